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
from tests import factories


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


def _old_user(role: str, created_at=None) -> int:
    """A login written with the columns every revision has (the ORM would write today's
    columns too, which an older schema lacks); its id."""
    from datetime import UTC, datetime

    from portal.models import User

    now = created_at or datetime.now(UTC)
    number = db.session.scalar(sa.select(sa.func.count()).select_from(User.__table__)) + 1
    return db.session.execute(
        sa.insert(User.__table__)
        .values(
            email=f"{role}{number}@old.example",
            name=f"Old {role} {number}",
            password_hash="x",
            role=role,
            max_tier=1,
            timezone="UTC",
            is_active=True,
            is_available=True,
            max_open_cases=25,
            notify_by_email=True,
            created_at=now,
            password_changed_at=now,
        )
        .returning(User.__table__.c.id)
    ).scalar_one()


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
    from portal.models import CaseFollower, Escalation, EventKind
    from portal.models.user import queue_members
    from tests import factories

    app = create_app({**test_settings, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="f3a9c0d12b47")
        queue = factories.make_queue(1)
        agent, other = _old_user("agent"), _old_user("agent")
        supervisor = _old_user("supervisor")
        customer = _old_user("customer")
        noted = factories.make_case(queue=queue)
        escalated = factories.make_case(queue=queue)
        assigned = factories.make_case(queue=queue, assignee_id=other)
        factories.add_event(noted, EventKind.INTERNAL_NOTE, author_id=agent)
        factories.add_event(noted, author_id=customer)
        db.session.add(
            Escalation(
                case=escalated, from_tier=1, to_tier=2, reason="x", requested_by_id=supervisor
            )
        )
        for user in (agent, supervisor):
            db.session.execute(
                sa.text("INSERT INTO queue_members (queue_id, user_id) VALUES (:q, :u)"),
                {"q": queue.id, "u": user},
            )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            sa.select(CaseFollower.case_id, CaseFollower.user_id, CaseFollower.is_following)
        ).all()
        assert set(rows) == {
            (noted.id, agent, True),
            (escalated.id, supervisor, True),
            (assigned.id, other, True),
        }
        assert set(db.session.execute(sa.select(queue_members.c.as_agent)).scalars()) == {False}
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


def test_logins_made_before_verification_count_as_verified(test_settings, empty_database):
    """Upgrading an existing database: every login (staff, demo, self-registered customers)
    counts as verified, at its creation, via `legacy`, and was made by nobody in particular;
    so the existing demo and customer logins keep working. What refers to a login (a session,
    an assigned case) survives the upgrade and the downgrade (SQLite rebuilds `users`)."""
    from datetime import UTC, datetime, timedelta

    from portal.models import AddressProof, User

    app = create_app({**test_settings, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="5c1d9e7a2b60")
        long_ago = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
        agent = _old_user("agent", long_ago)
        customer = _old_user("customer", long_ago + timedelta(days=3))
        created = {agent: long_ago, customer: long_ago + timedelta(days=3)}
        case_id = factories.make_case(queue=factories.make_queue(1), assignee_id=agent).id
        db.session.execute(
            sa.text(
                "INSERT INTO user_sessions (user_id, token_hash, remember, created_at, "
                "last_seen_at, expires_at) VALUES (:u, 'h', false, :t, :t, :t)"
            ),
            {"u": customer, "t": long_ago},
        )
        db.session.commit()

        def references_hold():
            with db.engine.connect() as connection:
                sessions = connection.exec_driver_sql("SELECT user_id FROM user_sessions").all()
                assignee = connection.exec_driver_sql(
                    f"SELECT assignee_id FROM cases WHERE id = {case_id}"
                ).scalar()
            return sessions == [(customer,)] and assignee == agent

        upgrade()
        assert references_hold()
        for user in db.session.scalars(sa.select(User)):
            assert user.email_verified_via == AddressProof.LEGACY
            assert user.email_verified_at == created[user.id]
            assert user.created_by_id is None and not user.is_pending
        db.session.remove()
        downgrade(revision="5c1d9e7a2b60")
        assert references_hold()
        with db.engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("users")}
            assert "email_verified_at" not in columns
            assert "address_links" not in sa.inspect(connection).get_table_names()
            if connection.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        downgrade(revision="base")
        db.engine.dispose()


def test_rebuilt_tables_keep_every_row_that_refers_to_them(test_settings, empty_database):
    """SQLite alters a table by rebuilding it (copy, drop, rename): with foreign keys on, the
    drop cascaded to whatever refers to it (contact roles and case events deleted, requesters
    and assignees emptied). Rows made today keep every reference through a downgrade past the
    revisions that rebuild users, cases and contacts, and the upgrade back."""
    from portal.models import ContactRole, ContactRoleKind, EventKind, Role

    app = create_app({**test_settings, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        agent = factories.make_user(Role.AGENT)
        customer = factories.make_user(Role.CUSTOMER)
        case = factories.make_case(customer.contact, queue=factories.make_queue(1))
        case.assignee_id = agent.id
        factories.add_event(case, author_id=customer.id)
        factories.add_event(case, EventKind.INTERNAL_NOTE, author_id=agent.id)
        db.session.add(
            ContactRole(
                contact_id=customer.contact_id,
                account_id=case.account_id,
                kind=ContactRoleKind.BILLING,
            )
        )
        db.session.commit()
        db.session.remove()

        def references():
            with db.engine.connect() as connection:
                return {
                    query: connection.exec_driver_sql(query).all()
                    for query in (
                        "SELECT id, requester_id, assignee_id, account_id, queue_id FROM cases",
                        "SELECT case_id, author_id, kind FROM case_events ORDER BY id",
                        "SELECT contact_id, account_id, kind FROM contact_roles",
                        "SELECT id, contact_id FROM users ORDER BY id",
                        "SELECT id, account_id FROM contacts ORDER BY id",
                    )
                }

        made = references()
        assert all(made.values())
        downgrade(revision="c7e2a91d4b55")  # before the contact merges: rebuilds all three
        assert references() == made
        upgrade()
        assert references() == made
        downgrade(revision="base")
        db.engine.dispose()
