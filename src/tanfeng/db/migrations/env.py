"""Alembic environment: uses the Database handed over by tanfeng.db.migrate (or sqlalchemy.url)."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from tanfeng.config import Settings
from tanfeng.db import models  # noqa: F401  (registers the tables)
from tanfeng.db.base import Base
from tanfeng.db.session import Database

config = context.config
if config.config_file_name is not None and config.attributes.get("database") is None:
    fileConfig(config.config_file_name)  # logging, when run through the alembic command and alembic.ini
db = config.attributes.get("database") or Database(
    config.get_main_option("sqlalchemy.url") or Settings.load().database_url
)


def run_migrations_online() -> None:
    with db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
