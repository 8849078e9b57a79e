"""Customer self-registration: pending until the emailed link is followed (issue 13, item 1),
and the same answer whether or not the address already has a login (item 2)."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time

from portal.domain.crm import duplicates
from portal.domain.identity import logins, passwords
from portal.models import (
    AddressLink,
    AddressProof,
    Case,
    Contact,
    ContactRoleKind,
    Role,
    User,
)
from tests import factories
from tests.auth.helpers import (
    CONFIRM_LINK,
    PASSWORD,
    RESET_LINK,
    confirm,
    link_in,
    mail_to,
    plain,
    register,
    without_csrf_tokens,
)


def nadia(db) -> User:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == "nadia@acme.example"))


def count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_new_registration_is_pending_until_the_link_is_followed(client, db, smtp):
    factories.make_account(email_domain="acme.example", is_domain_verified=True)
    db.session.commit()
    response = register(client)
    assert (response.status_code, response.headers["Location"]) == (302, "/register/check-inbox")
    user = nadia(db)
    assert user.role == Role.CUSTOMER and user.is_pending
    assert user.contact_id is None and user.email_verified_via is None
    assert user.created_by_id is None  # made by the person themselves
    assert count(db, Contact) == 0, "no contact, so no account, before the address is proven"
    page = client.get("/register/check-inbox").get_data(as_text=True)
    assert "Check your inbox" in page
    message = mail_to(smtp, "nadia@acme.example")[0]
    assert message["Subject"] == "Confirm your email address for Casework"
    assert "Nadia Customer" in plain(message) and "48 hours" in plain(message)


def test_following_the_link_joins_the_account_of_the_verified_domain(client, db, smtp):
    account = factories.make_account(email_domain="acme.example", is_domain_verified=True)
    db.session.commit()
    register(client)
    path = link_in(mail_to(smtp, "nadia@acme.example")[0])
    assert "Confirm your email address" in client.get(path).get_data(as_text=True)
    response = confirm(client, path)
    assert response.status_code == 302
    user = nadia(db)
    assert not user.is_pending and user.email_verified_via == AddressProof.REGISTRATION
    assert user.contact.account_id == account.id
    assert [role.kind for role in user.contact.roles] == [ContactRoleKind.REQUESTER]
    home = client.get("/", follow_redirects=True)
    assert home.request.path == "/my"
    assert "Your address is confirmed" in home.get_data(as_text=True)


def test_unverified_domain_does_not_link_an_account(client, db, smtp):
    factories.make_account(email_domain="acme.example", is_domain_verified=False)
    db.session.commit()
    register(client)
    confirm(client, link_in(mail_to(smtp, "nadia@acme.example")[0]))
    assert nadia(db).contact.account_id is None


def test_the_link_attaches_the_existing_contact_without_a_login(client, db, smtp):
    """A contact an agent, a phone case or an import made gets the login: no duplicate."""
    account = factories.make_account(email_domain="acme.example", is_domain_verified=True)
    known = factories.make_contact(account, email="Nadia@Acme.example", name="Nadia K.")
    factories.make_case(known)
    db.session.commit()
    register(client)
    assert count(db, Contact) == 1
    confirm(client, link_in(mail_to(smtp, "nadia@acme.example")[0]))
    user = nadia(db)
    assert user.contact_id == known.id
    assert count(db, Contact) == 1
    assert client.get("/my/cases").status_code == 200
    assert "Case subject" in client.get("/my/cases").get_data(as_text=True)


def test_a_contact_that_has_a_login_is_not_taken_over(client, db, smtp):
    """A contact with this address whose login signs in with another address keeps it; the
    new login gets a contact of its own."""
    account = factories.make_account(email_domain="acme.example", is_domain_verified=True)
    taken = factories.make_contact(account, email="nadia@acme.example")
    factories.make_user(Role.CUSTOMER, email="n.k@elsewhere.example", contact=taken)
    db.session.commit()
    register(client)
    confirm(client, link_in(mail_to(smtp, "nadia@acme.example")[0]))
    user = nadia(db)
    assert user.contact_id not in (None, taken.id)
    assert user.contact.account_id == account.id


def test_extra_form_fields_cannot_grant_a_role_account_or_verification(client, db, smtp):
    other = factories.make_account()
    agent = factories.make_user(Role.AGENT)
    db.session.commit()
    register(
        client,
        role="admin",
        max_tier="3",
        account_id=str(other.id),
        contact_id="1",
        is_active="1",
        email_verified_at="2020-01-01T00:00:00",
        email_verified_via="legacy",
        created_by_id=str(agent.id),
    )
    user = nadia(db)
    assert (user.role, user.max_tier, user.contact_id) == (Role.CUSTOMER, 1, None)
    assert user.is_pending and user.created_by_id is None
    confirm(client, link_in(mail_to(smtp, "nadia@acme.example")[0]))
    assert nadia(db).contact.account_id is None


def test_a_taken_address_answers_exactly_like_a_new_one(app, client, db, smtp):
    """Item 2: same status, same place, same page; the owner is told by email, with a reset
    link, and nothing about the existing login changes."""
    owner = factories.make_user(Role.CUSTOMER, email="owner@acme.example", name="Olive Owner")
    db.session.commit()
    other = app.test_client()
    taken = register(client, email="owner@acme.example", name="Somebody Else")
    fresh = register(other, email="fresh@acme.example", name="Somebody Else")
    assert (taken.status_code, taken.headers["Location"]) == (
        fresh.status_code,
        fresh.headers["Location"],
    )
    assert taken.get_data() == fresh.get_data()
    assert without_csrf_tokens(client.get("/register/check-inbox").get_data(as_text=True)) == (
        without_csrf_tokens(other.get("/register/check-inbox").get_data(as_text=True))
    )
    assert count(db, User) == 2  # the owner and the fresh registration
    message = mail_to(smtp, "owner@acme.example")[0]
    assert message["Subject"] == "You already have a Casework account"
    assert "Olive Owner" in plain(message) and "Somebody Else" not in plain(message)
    db.session.expire_all()
    assert passwords.verify_password(db.session.get(User, owner.id), factories.PASSWORD)
    path = RESET_LINK.search(plain(message)).group(1)
    reset = client.post(
        path, data={"password": "the owner's new one", "confirm": "the owner's new one"}
    )
    assert reset.status_code == 302 and reset.headers["Location"] == "/login"


def test_the_link_is_random_hashed_single_use_and_on_base_url(client, db, smtp):
    # The request comes to localhost, forwarded for evil.example: the link is on BASE_URL.
    register(client, headers={"X-Forwarded-Host": "evil.example"})
    message = mail_to(smtp, "nadia@acme.example")[0]
    assert "evil.example" not in plain(message)
    path = link_in(message)
    token = path.rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 bytes from `secrets`, base64
    row = db.session.scalars(db.select(AddressLink)).one()
    assert row.token_hash == logins.hash_token(token) and token not in row.token_hash
    assert timedelta(hours=47) < row.expires_at - row.created_at <= timedelta(hours=48)
    assert confirm(client, path).status_code == 302
    client.post("/logout")
    again = client.get(path)
    assert again.status_code == 302 and again.headers["Location"] == "/login"
    assert "invalid, used or expired" in client.get("/login").get_data(as_text=True)


def test_an_expired_link_is_refused(client, db, smtp):
    register(client)
    path = link_in(mail_to(smtp, "nadia@acme.example")[0])
    expires_at = db.session.scalars(db.select(AddressLink)).one().expires_at
    with freeze_time(expires_at + timedelta(seconds=1)):
        response = confirm(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert nadia(db).is_pending


def test_empty_and_made_up_links_are_refused(client, db):
    for token in ("x" * 43, "%20", "%00"):
        response = client.get(f"/register/confirm/{token}")
        assert response.status_code in (302, 404)
    assert client.get("/register/confirm/").status_code == 404


def test_confirming_from_a_browser_not_signed_in_needs_the_password(client, db, smtp):
    """The owner of an address someone else registered cannot confirm it by a click."""
    register(client)
    path = link_in(mail_to(smtp, "nadia@acme.example")[0])
    page = client.get(path).get_data(as_text=True)
    assert 'name="password"' in page
    wrong = confirm(client, path, password="not the password at all")
    assert wrong.status_code == 400
    assert "not the password chosen at registration" in wrong.get_data(as_text=True)
    assert confirm(client, path, password=None).status_code == 400
    assert nadia(db).is_pending
    assert confirm(client, path).status_code == 302
    assert not nadia(db).is_pending


def test_signed_in_as_the_pending_login_a_click_confirms(client, db, smtp):
    register(client)
    client.post("/login", data={"email": "nadia@acme.example", "password": PASSWORD})
    path = link_in(mail_to(smtp, "nadia@acme.example")[0])
    assert 'name="password"' not in client.get(path).get_data(as_text=True)
    assert confirm(client, path, password=None).status_code == 302
    assert not nadia(db).is_pending


def test_the_owner_takes_a_stranger_s_registration_over_by_a_password_reset(app, client, db, smtp):
    """A stranger registers someone's address first. The owner cannot confirm it (no password)
    but registering again tells them an account exists, and its reset link proves the mailbox:
    the login becomes the owner's, and the stranger's password and session stop working."""
    account = factories.make_account(email_domain="acme.example", is_domain_verified=True)
    known = factories.make_contact(account, email="nadia@acme.example")
    db.session.commit()
    stranger = app.test_client()
    register(stranger, name="Mallory")
    stranger.post("/login", data={"email": "nadia@acme.example", "password": PASSWORD})
    assert stranger.get("/").headers["Location"] == "/register/check-inbox"
    register(client, password="the owner's passphrase", confirm="the owner's passphrase")
    exists = [m for m in mail_to(smtp, "nadia@acme.example", 2) if "already" in m["Subject"]]
    path = RESET_LINK.search(plain(exists[0])).group(1)
    client.post(
        path, data={"password": "the owner's passphrase", "confirm": "the owner's passphrase"}
    )
    user = nadia(db)
    assert user.email_verified_via == AddressProof.PASSWORD_RESET
    assert user.contact_id == known.id
    assert (
        stranger.get("/").status_code == 302 and "/login" in stranger.get("/").headers["Location"]
    )
    assert not passwords.verify_password(user, PASSWORD)


def test_short_and_common_passwords_are_refused(client):
    assert "at least 8" in register(client, password="short", confirm="short").get_data(
        as_text=True
    )
    assert "too common" in register(client, password="password123", confirm="password123").get_data(
        as_text=True
    )
    long_password = "x" * 64
    assert register(client, password=long_password, confirm=long_password).status_code == 302


def test_a_pending_login_signs_in_only_to_check_its_inbox(client, db, smtp):
    """It files nothing and reaches no page but "check your inbox" (and its resend button)."""
    account = factories.make_account(email_domain="acme.example", is_domain_verified=True)
    colleague = factories.make_contact(account, name="Colleague Cyrus")
    factories.make_case(colleague, subject="Cyrus's private case")
    db.session.commit()
    register(client)
    assert (
        client.post(
            "/login", data={"email": "nadia@acme.example", "password": PASSWORD}
        ).status_code
        == 302
    )
    page = client.get("/", follow_redirects=True)
    assert page.request.path == "/register/check-inbox"
    text = page.get_data(as_text=True)
    assert "nadia@acme.example" in text and "Send the link again" in text
    assert "New case" not in text and "My cases" not in text
    for url in (
        "/my",
        "/my/cases",
        "/my/cases/new",
        "/my/search?q=x",
        "/feedback/mine",
        "/feedback/mine/new",
        "/profile",
        "/agent",
        "/agent/contacts",
    ):
        response = client.get(url)
        assert (response.status_code, response.headers.get("Location")) == (
            302,
            "/register/check-inbox",
        ), url
    filed = client.post(
        "/my/cases/new",
        data={
            "subject": "Let me in",
            "description": "Copy my colleagues",
            "category": "general",
            "priority": "urgent",
            "cc": [str(colleague.id)],
            "submission_key": "k1",
        },
    )
    assert filed.headers["Location"] == "/register/check-inbox"
    assert count(db, Case) == 1
    assert "Colleague Cyrus" not in client.get("/my/cases/new", follow_redirects=True).get_data(
        as_text=True
    )


def test_a_pending_login_sees_no_case_and_no_colleague(db):
    """The rules themselves: no contact, so no case of the account and no CC list."""
    from portal import authz
    from portal.domain.identity import registration

    account = factories.make_account(email_domain="acme.example", is_domain_verified=True)
    factories.make_case(factories.make_contact(account))
    user = registration.register_customer(
        email="nadia@acme.example", name="Nadia", password=PASSWORD
    )
    assert user.is_pending and authz.is_pending(user)
    assert db.session.scalars(authz.visible_cases(user)).all() == []
    assert not authz.sees_account_cases(user)
    assert user.contact is None  # so no colleague list (cases.colleagues) to offer


def test_a_pending_registration_is_never_a_same_email_duplicate(client, db):
    account = factories.make_account(email_domain="acme.example", is_domain_verified=True)
    factories.make_contact(account, email="nadia@acme.example")
    db.session.commit()
    register(client)
    report = duplicates.likely_duplicates()
    assert report.pairs == []


def test_the_link_can_be_sent_again_within_an_hourly_cap(app, client, db, smtp):
    register(client)
    client.post("/login", data={"email": "nadia@acme.example", "password": PASSWORD})
    sent = client.post("/register/resend", follow_redirects=True)
    assert "A new link is on its way" in sent.get_data(as_text=True)
    paths = {link_in(m) for m in mail_to(smtp, "nadia@acme.example", 2)}
    assert len(paths) == 2  # both work until one is followed
    for _ in range(app.config["ACCOUNT_MAILS_PER_HOUR"]):
        last = client.post("/register/resend", follow_redirects=True)
    assert "Several links were sent" in last.get_data(as_text=True)
    assert count(db, AddressLink) == app.config["ACCOUNT_MAILS_PER_HOUR"]
    assert confirm(client, sorted(paths)[0], password=None).status_code == 302
    assert client.post("/register/resend").headers["Location"] == "/"


def test_resending_needs_a_signed_in_pending_login_and_a_csrf_token(client, login_as, db):
    assert "/login" in client.post("/register/resend").headers["Location"]
    login_as(Role.CUSTOMER)
    assert client.post("/register/resend").headers["Location"] == "/"
    assert client.post("/register/resend", data={"csrf_token": "x"}, csrf=False).status_code == 400


def test_sending_the_link_again_is_rate_limited(test_settings, db):
    """RL-03: past 5 a client's "send the link again" gets 429 (the hourly cap per address
    is lifted here, to see the limiter itself)."""
    from portal import create_app
    from tests.conftest import CsrfClient

    db.session.commit()  # end the read transaction: SQLite begins every one IMMEDIATE
    limited = create_app(
        {**test_settings, "RATELIMIT_ENABLED": True, "ACCOUNT_MAILS_PER_HOUR": 100}
    )
    limited.test_client_class = CsrfClient
    with limited.app_context():
        browser = limited.test_client()
        register(browser)
        browser.post("/login", data={"email": "nadia@acme.example", "password": PASSWORD})
        statuses = [browser.post("/register/resend").status_code for _ in range(6)]
        db.session.remove()
    assert statuses == [302] * 5 + [429]


def test_without_a_mail_server_the_logged_link_can_be_followed(client, db, caplog):
    """`make run` has no SMTP server: its log shows each email decoded, so the developer
    trying the portal copies a whole link (a Persian one too), not a wrapped, escaped one."""
    caplog.set_level("INFO", logger="casework.mail")
    register(client, name="نادیا مشتری", language="fa")
    (logged,) = [r.getMessage() for r in caplog.records if r.name == "casework.mail"]
    assert "=\n" not in logged and "=3D" not in logged
    assert "To: nadia@acme.example" in logged and "نادیا مشتری" in logged
    path = CONFIRM_LINK.search(logged).group(1)
    assert client.get(path).status_code == 200  # the confirmation form, asking the password
