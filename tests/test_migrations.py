"""The Alembic chain builds the schema from zero and matches the models (no drift)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db


@pytest.fixture
def empty_database(test_settings, tmp_path):
    """A brand-new empty database on the engine under test."""
    url = test_settings["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        name = f"casework_migrations_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(
            url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield url.rsplit("/", 1)[0] + f"/{name}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"


def test_upgrade_from_zero_leaves_no_drift_and_downgrades_cleanly(test_settings, empty_database):
    app = create_app({**test_settings, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
            tables = set(sa.inspect(connection).get_table_names())
        assert {
            "cases",
            "case_events",
            "accounts",
            "contacts",
            "outbox",
            "audit_events",
            "goals",
        } <= tables
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
