"""Services: one transaction per operation, plain arguments in, plain dataclasses out.

The CLI and the web app call these; they never open transactions themselves.
"""
