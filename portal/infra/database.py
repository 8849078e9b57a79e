"""Database binding and the per-connection settings SQLite needs to be safe under load."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Flask

from portal.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 5000
READ_ONLY = "casework_read_only"


def _configure_sqlite(dbapi_connection, _record, *, synchronous: str = "FULL") -> None:
    """WAL for concurrent readers, enforced foreign keys, FULL sync for durable commits (OFF,
    no fsync, for the throwaway databases of a TESTING app)."""
    # Let SQLAlchemy (not pysqlite) issue BEGIN, so that transactions are real.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.close()


def _begin_sqlite(connection) -> None:
    # IMMEDIATE takes the write lock at the start, so a transaction that reads and then writes
    # waits its turn (busy_timeout) instead of failing with "database is locked". A connection
    # that only reads (`read_only_engine`) begins a plain WAL snapshot and never waits.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def read_only_engine() -> sa.Engine:
    """The engine for sessions that only read committed data (search reading what to index):
    on SQLite their transactions take no write lock, so they never wait for a writer."""
    return db.engine.execution_options(**{READ_ONLY: True})


def init_database(app: Flask) -> None:
    """Bind Flask-SQLAlchemy and install the SQLite pragmas on every new connection."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            "postgresql+psycopg://" + uri[len("postgresql://") :]
        )
    if uri.startswith("sqlite"):
        from pathlib import Path

        path = uri.split("///", 1)[-1]
        if path and path != ":memory:" and uri != "sqlite://":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        }
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            synchronous = "OFF" if app.testing else "FULL"
            sa.event.listen(
                engine, "connect", functools.partial(_configure_sqlite, synchronous=synchronous)
            )
            sa.event.listen(engine, "begin", _begin_sqlite)
