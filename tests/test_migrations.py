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


def test_signals_migration_records_who_worked_each_case(test_settings, empty_database):
    """Upgrading an existing database: staff authors, escalation requesters and assignees
    become followers (so they keep reading their cases); customers never; no supervisor's
    existing queue membership becomes an agent membership."""
    from portal.models import CaseFollower, Escalation, EventKind, Role
    from portal.models.user import queue_members
    from tests import factories

    app = create_app({**test_settings, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="f3a9c0d12b47")
        queue = factories.make_queue(1)
        agent, other = factories.make_user(Role.AGENT), factories.make_user(Role.AGENT)
        supervisor = factories.make_user(Role.SUPERVISOR)
        customer = factories.make_user(Role.CUSTOMER)
        noted = factories.make_case(queue=queue)
        escalated = factories.make_case(queue=queue)
        assigned = factories.make_case(queue=queue, assignee=other)
        factories.add_event(noted, EventKind.INTERNAL_NOTE, author=agent)
        factories.add_event(noted, author=customer)
        db.session.add(
            Escalation(
                case=escalated, from_tier=1, to_tier=2, reason="x", requested_by_id=supervisor.id
            )
        )
        for user in (agent, supervisor):
            db.session.execute(
                sa.text("INSERT INTO queue_members (queue_id, user_id) VALUES (:q, :u)"),
                {"q": queue.id, "u": user.id},
            )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            sa.select(CaseFollower.case_id, CaseFollower.user_id, CaseFollower.is_following)
        ).all()
        assert set(rows) == {
            (noted.id, agent.id, True),
            (escalated.id, supervisor.id, True),
            (assigned.id, other.id, True),
        }
        assert set(db.session.execute(sa.select(queue_members.c.as_agent)).scalars()) == {False}
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()
