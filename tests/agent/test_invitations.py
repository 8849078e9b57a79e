"""Agents invite a contact to the portal: an emailed single-use link makes its login, verified
by the act of following it (issue 13, item 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time

from portal.domain.identity import logins, passwords
from portal.models import AddressLink, AddressProof, AuditEvent, Contact, LinkPurpose, Role, User
from tests import factories
from tests.auth.helpers import INVITATION_LINK, PASSWORD, link_in, mail_to, plain, register


def new_password() -> dict:
    """The invitation form's fields (a new dict each time: the client adds its CSRF token)."""
    return {"password": "my own passphrase", "confirm": "my own passphrase"}


@pytest.fixture
def invitee(db):
    account = factories.make_account(email_domain="acme.example", is_domain_verified=True)
    contact = factories.make_contact(
        account, name="Iris Invitee", email="iris@acme.example", language="en"
    )
    db.session.commit()
    return contact


def invite(client, contact):
    return client.post(f"/agent/contacts/{contact.id}/invite", follow_redirects=True)


def login_of(db, email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR])
def test_staff_invite_a_contact_and_the_link_makes_its_login(
    app, client, login_as, db, smtp, invitee, role
):
    inviter = login_as(factories.make_user(role, name="Sam Inviter"))
    page = client.get(f"/agent/contacts/{invitee.id}").get_data(as_text=True)
    assert "Invite to the portal" in page
    sent = invite(client, invitee)
    assert "An invitation to the portal was sent" in sent.get_data(as_text=True)
    assert "Invited to the portal" in client.get(f"/agent/contacts/{invitee.id}").get_data(
        as_text=True
    )
    message = mail_to(smtp, "iris@acme.example")[0]
    assert message["Subject"] == "Your invitation to the Casework support portal"
    assert "Sam Inviter" in plain(message) and "7 days" in plain(message)
    path = link_in(message, INVITATION_LINK)
    visitor = app.test_client()
    assert "Iris Invitee" in visitor.get(path).get_data(as_text=True)
    response = visitor.post(path, data=new_password())
    assert response.status_code == 302
    assert visitor.get("/", follow_redirects=True).request.path == "/my"
    user = login_of(db, "iris@acme.example")
    assert user.contact_id == invitee.id
    assert user.created_by_id == inviter.id
    assert user.email_verified_via == AddressProof.INVITATION and not user.is_pending
    assert db.session.scalar(db.select(db.func.count()).select_from(Contact)) == 1
    page = client.get(f"/agent/contacts/{invitee.id}").get_data(as_text=True)
    assert "Invited by <bdi>Sam Inviter</bdi>" in page
    assert "Confirmed by accepting an invitation" in page and "Invite to the portal" not in page
    again = app.test_client().get(path)
    assert again.status_code == 302 and again.headers["Location"] == "/login"
    assert db.session.scalars(
        db.select(AuditEvent.action)
        .where(AuditEvent.action.like("contact.invit%"))
        .order_by(AuditEvent.id)
    ).all() == ["contact.invite", "contact.invitation_accepted"]


def test_the_invitation_link_is_hashed_expires_in_seven_days_and_then_is_refused(
    app, client, login_as, db, smtp, invitee
):
    login_as(Role.AGENT)
    invite(client, invitee)
    path = link_in(mail_to(smtp, "iris@acme.example")[0], INVITATION_LINK)
    row = db.session.scalars(db.select(AddressLink)).one()
    assert row.purpose == LinkPurpose.INVITATION
    assert row.token_hash == logins.hash_token(path.rsplit("/", 1)[1])
    assert row.expires_at - row.created_at == timedelta(days=7)
    with freeze_time(row.expires_at + timedelta(seconds=1)):
        late = app.test_client().post(path, data=new_password())
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert login_of(db, "iris@acme.example") is None


def test_no_invitation_without_an_address_or_for_a_contact_with_a_login(client, login_as, db, smtp):
    account = factories.make_account()
    nameless = factories.make_contact(account, email=None)
    customer = factories.make_user(Role.CUSTOMER, account=account)
    login_as(Role.AGENT)
    for contact, reason in (
        (nameless, "has no email address"),
        (customer.contact, "already has a login"),
    ):
        page = client.get(f"/agent/contacts/{contact.id}").get_data(as_text=True)
        assert "Invite to the portal" not in page
        assert reason in invite(client, contact).get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(AddressLink)) == 0
    assert smtp.wait_for(1, timeout=0.3) == []


def test_no_invitation_when_another_verified_login_uses_the_address(client, login_as, db, invitee):
    factories.make_user(Role.CUSTOMER, email="iris@acme.example")
    login_as(Role.AGENT)
    assert "Another login already uses" in invite(client, invitee).get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(AddressLink)) == 0


@pytest.mark.parametrize("who", ["anonymous", "customer", "pending"])
def test_only_staff_may_invite(app, client, login_as, db, invitee, who):
    if who == "customer":
        login_as(Role.CUSTOMER)
    elif who == "pending":
        register(client, email="pending@acme.example")
        client.post("/login", data={"email": "pending@acme.example", "password": PASSWORD})
    response = client.post(f"/agent/contacts/{invitee.id}/invite")
    expected = {
        "anonymous": (302, "/login"),
        "customer": (403, None),
        "pending": (302, "/register/check-inbox"),
    }[who]
    assert response.status_code == expected[0]
    if expected[1]:
        assert response.headers["Location"].startswith(expected[1])
    assert db.session.scalar(db.select(db.func.count()).select_from(AddressLink)) == (
        1 if who == "pending" else 0  # the pending login's own registration link
    )


def test_an_invitation_takes_over_a_pending_registration_of_the_address(
    app, client, login_as, db, smtp, invitee
):
    """A stranger registered the contact's address first: following the invitation proves
    the mailbox, so that login becomes the contact's, with the invitee's password."""
    stranger = app.test_client()
    register(stranger, email="iris@acme.example", name="Mallory")
    stranger.post("/login", data={"email": "iris@acme.example", "password": PASSWORD})
    login_as(Role.AGENT)
    invite(client, invitee)
    invitation = [m for m in mail_to(smtp, "iris@acme.example", 2) if "invitation" in m["Subject"]]
    app.test_client().post(link_in(invitation[0], INVITATION_LINK), data=new_password())
    user = login_of(db, "iris@acme.example")
    assert user.contact_id == invitee.id
    assert user.email_verified_via == AddressProof.INVITATION
    assert not passwords.verify_password(user, PASSWORD)
    assert "/login" in stranger.get("/").headers["Location"]


def test_an_invitation_dies_when_the_contacts_address_changes(
    app, client, login_as, db, smtp, invitee
):
    login_as(Role.AGENT)
    invite(client, invitee)
    path = link_in(mail_to(smtp, "iris@acme.example")[0], INVITATION_LINK)
    invitee.email = "iris.new@acme.example"
    db.session.commit()
    response = app.test_client().post(path, data=new_password())
    assert response.headers["Location"] == "/login"
    assert login_of(db, "iris@acme.example") is None


def test_the_invitation_form_refuses_weak_or_differing_passwords(
    app, client, login_as, db, smtp, invitee
):
    login_as(Role.AGENT)
    invite(client, invitee)
    path = link_in(mail_to(smtp, "iris@acme.example")[0], INVITATION_LINK)
    visitor = app.test_client()
    short = visitor.post(path, data={"password": "short", "confirm": "short"})
    assert short.status_code == 400 and "at least 8" in short.get_data(as_text=True)
    differ = visitor.post(path, data={"password": "one long phrase", "confirm": "another one"})
    assert differ.status_code == 400
    assert login_of(db, "iris@acme.example") is None
