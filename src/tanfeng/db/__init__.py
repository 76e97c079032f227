"""Storage: SQLAlchemy 2 models, engine/session handling and Alembic migrations (inside the package)."""

# Every table is registered on Base.metadata as soon as the package is imported: code that walks the
# metadata (`db info`, test fixtures) must see users.unit_id → units.id resolved, whatever it imported.
from tanfeng.db import account_models as _account_models  # noqa: F401
from tanfeng.db import attachment_models as _attachment_models  # noqa: F401
from tanfeng.db import consultation_models as _consultation_models  # noqa: F401
from tanfeng.db import enterprise_models as _enterprise_models  # noqa: F401
from tanfeng.db import models as _models  # noqa: F401
from tanfeng.db import reminder_models as _reminder_models  # noqa: F401
from tanfeng.db.session import Database

__all__ = ["Database"]
