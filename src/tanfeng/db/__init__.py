"""Storage: SQLAlchemy 2 models, engine/session handling and Alembic migrations (inside the package)."""

from tanfeng.db import account_models as _account_models  # noqa: F401  (registers the workspace's tables)
from tanfeng.db import reminder_models as _reminder_models  # noqa: F401  (registers the reminder tables)
from tanfeng.db.session import Database

__all__ = ["Database"]
