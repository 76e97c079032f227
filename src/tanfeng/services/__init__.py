"""Services: one transaction per operation, plain arguments in, plain dataclasses out.

The CLI and the web app call these; they never open transactions themselves.
"""

from tanfeng.services import validation as _validation

_validation.install()  # every flush, whichever service or door it comes from
