from tanfeng.cli import main

main()
