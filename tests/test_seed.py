"""`flask seed-demo`: idempotent, multilingual, and every demo login works."""

from __future__ import annotations

import pytest

from portal import demo
from portal.models import AddressProof, Case, CaseEvent, EventKind, User


def run_seed(app, cases=60):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--cases", str(cases)])
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_is_idempotent_and_lists_the_logins(app, db):
    output = run_seed(app)
    assert "casework-demo" in output and "agent@example.com" in output
    counts = (
        db.session.scalar(db.select(db.func.count()).select_from(User)),
        db.session.scalar(db.select(db.func.count()).select_from(Case)),
    )
    assert "Added 0 cases" in run_seed(app)
    assert counts == (
        db.session.scalar(db.select(db.func.count()).select_from(User)),
        db.session.scalar(db.select(db.func.count()).select_from(Case)),
    )
    assert counts[1] == 60


def test_seed_cases_speak_three_languages_and_have_timelines(app, db):
    run_seed(app)
    languages = set(db.session.scalars(db.select(Case.language).distinct()))
    assert languages == {"en", "fa", "ar"}
    kinds = set(db.session.scalars(db.select(CaseEvent.kind).distinct()))
    assert {EventKind.PUBLIC_REPLY, EventKind.INTERNAL_NOTE, EventKind.FIELD_CHANGE} <= kinds


@pytest.mark.parametrize("email", [entry[0] for entry in demo.STAFF + demo.CUSTOMERS])
def test_every_demo_login_works(app, client, db, email):
    run_seed(app, cases=5)
    response = client.post("/login", data={"email": email, "password": "casework-demo"})
    assert response.status_code == 302
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert home.request.path != "/register/check-inbox"  # demo addresses count as verified
    user = db.session.scalar(db.select(User).where(User.email == email))
    assert user.email_verified_via == AddressProof.SEED and not user.is_pending


def test_demo_account_admin_sees_colleagues_cases(app, db):
    from portal import authz

    run_seed(app, cases=120)
    admin = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
    plain = db.session.scalar(db.select(User).where(User.email == "colleague@example.com"))
    assert len(db.session.scalars(authz.visible_cases(admin)).all()) > len(
        db.session.scalars(authz.visible_cases(plain)).all()
    )


def test_seed_gives_the_voc_dashboard_answers_once(app, db):
    from portal.models import Feedback

    run_seed(app, cases=80)
    answers = db.session.scalar(db.select(db.func.count()).select_from(Feedback))
    assert answers > 0
    run_seed(app, cases=80)
    assert db.session.scalar(db.select(db.func.count()).select_from(Feedback)) == answers


def test_demo_billing_cases_go_to_an_agent_and_agents_follow_their_cases(app, db):
    """The demo supervisor belongs to every queue (escalations reach her) but takes no new
    cases; the demo's assignees and authors follow the cases they worked."""
    from portal.domain import cases

    run_seed(app, cases=40)
    customer = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
    billing = [
        cases.open_case(
            requester=customer.contact,
            subject=f"Invoice twice ({n})",
            description="We were charged twice.",
            category="billing",
            by=customer,
        )
        for n in range(2)  # round-robin would reach every member by the second case
    ]
    assert {case.queue.name for case in billing} == {"Billing"}
    assert {case.assignee.email for case in billing} == {"agent@example.com"}
    from portal.models import CaseFollower  # added with the assignment rule

    assigned = db.session.scalars(db.select(Case).where(Case.assignee_id.is_not(None))).all()
    follows = set(db.session.execute(db.select(CaseFollower.case_id, CaseFollower.user_id)).all())
    assert assigned and {(c.id, c.assignee_id) for c in assigned} <= follows
