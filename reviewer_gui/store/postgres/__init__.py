"""Reading projects in PostgreSQL: one database per project, the server as the security
boundary (``ddl`` says what it enforces), the same store as SQLite's (``store``)."""

from reviewer_gui.store.postgres.bootstrap import add_login, create_project
from reviewer_gui.store.postgres.connect import display, is_postgres_url, scram_verifier
from reviewer_gui.store.postgres.store import PostgresStore
from reviewer_gui.store.postgres.upgrade import upgrade_project

__all__ = ["PostgresStore", "add_login", "create_project", "display", "is_postgres_url",
           "scram_verifier", "upgrade_project"]  # fmt: skip
