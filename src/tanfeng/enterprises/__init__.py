"""Key energy users (重点用能单位) and 两高 projects: credit codes, industries, benchmarks, classification.

Pure domain code: imports nothing from services, db, web or commands.
"""
