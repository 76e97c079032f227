"""The PostgreSQL role the application connects as: no superuser, owns nothing, history tables insert-only.

The owner (whoever runs ``tanfeng db upgrade``) keeps the tables; the application role gets exactly
what the services need. Not owning a table, it cannot ``ALTER TABLE … DISABLE TRIGGER`` or drop a
trigger; without UPDATE/DELETE/TRUNCATE on the history tables, and with the triggers refusing them
for everyone, history stays history.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError, ProgrammingError

from tanfeng.errors import TanfengError

# append-only: rows are added, never changed or removed
HISTORY_TABLES = ("observation_revisions", "change_log", "task_progress", "audit_log", "project_status_events",
                  "measure_progress")
# current values: updated in place (their history records how), never deleted
NO_DELETE_TABLES = ("observations",)
DEFAULT_ROLE = "tanfeng_app"
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RoleError(TanfengError):
    pass


def _quote(name: str) -> str:
    if not _ROLE_NAME.match(name):
        raise RoleError(f"角色名“{name}”只能用小写字母、数字和下划线 / role name '{name}': lowercase letters, "
                        "digits and _ only")
    return f'"{name}"'


def _create_role(conn: Connection, role: str, password: str | None) -> bool:
    """Create ``role`` (LOGIN, nothing else) unless it exists; True if created."""
    if conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
        return False
    options = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    try:
        with conn.begin_nested():
            conn.execute(text(f"CREATE ROLE {_quote(role)} {options}"))
    except (IntegrityError, ProgrammingError):  # created meanwhile by a concurrent set-up
        return False
    if password:
        conn.execute(text(f"ALTER ROLE {_quote(role)} PASSWORD :p"), {"p": password})
    return True


def _check_role(conn: Connection, role: str) -> None:
    row = conn.execute(text("SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = :r"),
                       {"r": role}).one()
    if any(row):
        raise RoleError(f"角色{role}是超级用户或可绕过权限，不能作为应用角色 / role {role} is a superuser (or "
                        "bypasses RLS / creates roles): not usable as the application role")
    owned = conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                              "AND tableowner = :r"), {"r": role}).all()
    if owned:
        raise RoleError(f"角色{role}拥有表{'、'.join(owned)}，应由另一角色运行 tanfeng db upgrade / role {role} owns "
                        f"{', '.join(owned)}: run tanfeng db upgrade as another (owner) role")


def grant_app_role(conn: Connection, role: str = DEFAULT_ROLE, *, password: str | None = None) -> bool:
    """Create (if needed) and grant ``role`` on the current database, as its owner; idempotent. True if created."""
    created = _create_role(conn, role, password)
    _check_role(conn, role)
    q = _quote(role)
    database = conn.scalar(text("SELECT current_database()"))
    conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {q}'))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {q}"))
    conn.execute(text(f"REVOKE CREATE ON SCHEMA public FROM {q}"))
    conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {q}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {q}"))
    conn.execute(text(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {q}"))
    for table in HISTORY_TABLES:
        conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {q}"))
    for table in NO_DELETE_TABLES:
        conn.execute(text(f"REVOKE DELETE, TRUNCATE ON {table} FROM {q}"))
    return created


def granted_roles(conn: Connection) -> list[str]:
    """Roles set up by ``grant_app_role`` on this database (they get the tables of a later migration too)."""
    return list(conn.scalars(text(
        "SELECT DISTINCT grantee FROM information_schema.role_table_grants WHERE table_schema = 'public' "
        "AND table_name = 'observations' AND privilege_type = 'INSERT' AND grantee NOT IN "
        "(current_user, 'PUBLIC') AND grantee IN (SELECT rolname FROM pg_roles WHERE NOT rolsuper)")))
