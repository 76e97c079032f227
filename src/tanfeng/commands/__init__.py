"""The CLI layer: every `tanfeng` command group (thin: parse arguments, call services, render)."""
