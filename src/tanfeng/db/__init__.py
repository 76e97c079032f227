"""Storage: SQLAlchemy 2 models, engine/session handling and Alembic migrations (inside the package)."""

from tanfeng.db.session import Database

__all__ = ["Database"]
