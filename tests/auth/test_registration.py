"""Customer self-registration."""

from __future__ import annotations

from portal.models import Contact, ContactRoleKind, Role, User
from tests import factories


def register(client, **overrides):
    data = {
        "name": "Nadia Customer",
        "email": "nadia@acme.example",
        "password": "a long passphrase",
        "confirm": "a long passphrase",
        "language": "en",
        **overrides,
    }
    return client.post("/register", data=data)


def test_registration_links_contact_to_account_with_verified_domain(client, db):
    account = factories.make_account(email_domain="acme.example", is_domain_verified=True)
    db.session.commit()
    response = register(client)
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "nadia@acme.example"))
    assert user.role == Role.CUSTOMER
    assert user.contact.account_id == account.id
    assert [role.kind for role in user.contact.roles] == [ContactRoleKind.REQUESTER]
    assert client.get("/", follow_redirects=True).request.path == "/my"


def test_unverified_domain_does_not_link_an_account(client, db):
    factories.make_account(email_domain="acme.example", is_domain_verified=False)
    db.session.commit()
    register(client)
    contact = db.session.scalar(db.select(Contact).where(Contact.email == "nadia@acme.example"))
    assert contact.account_id is None


def test_extra_form_fields_cannot_grant_a_role_or_account(client, db):
    other = factories.make_account()
    db.session.commit()
    register(client, role="admin", max_tier="3", account_id=str(other.id), is_active="1")
    user = db.session.scalar(db.select(User).where(User.email == "nadia@acme.example"))
    assert user.role == Role.CUSTOMER
    assert user.max_tier == 1
    assert user.contact.account_id is None


def test_duplicate_email_is_refused_with_input_kept(client, db):
    factories.make_user(Role.CUSTOMER, email="nadia@acme.example")
    db.session.commit()
    response = register(client, name="Second Nadia")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "already registered" in page
    assert 'value="Second Nadia"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_short_and_common_passwords_are_refused(client, db):
    assert "at least 8" in register(client, password="short", confirm="short").get_data(
        as_text=True
    )
    assert "too common" in register(client, password="password123", confirm="password123").get_data(
        as_text=True
    )
    long_password = "x" * 64
    assert register(client, password=long_password, confirm=long_password).status_code == 302
