"""Accounts and contacts: 360 views, create/edit, CSV import, duplicates, merge and undo."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.domain.crm import duplicates, matching
from portal.domain.crm import imports as contact_import
from portal.domain.crm import merge as contact_merge
from portal.domain.crm.merge import MergeRefused
from portal.models import (
    Account,
    AuditEvent,
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
    Contact,
    ContactMerge,
    ContactRole,
    ContactRoleKind,
    Direction,
    EventKind,
    Feedback,
    FeedbackKind,
    Role,
    User,
)
from portal.models._base import utcnow
from tests import factories

CANARY = "CANARY-crm-note-5d1e"


def count(db, model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def audit_actions(db) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def role_rows(db) -> list[tuple]:
    """Every contact role as comparable values (ids may change, the facts may not)."""
    return sorted(
        (r.contact_id, r.account_id or 0, r.case_id or 0, r.kind.value)
        for r in db.session.scalars(sa.select(ContactRole))
    )


def csv_upload(client, text: str | bytes, *, dry_run: bool = False, name: str = "c.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    form = {"file": (io.BytesIO(data), name)}
    if dry_run:
        form["dry_run"] = "y"
    return client.post("/agent/contacts/import", data=form, content_type="multipart/form-data")


@pytest.fixture
def acme(db):
    """An account with two contacts, open/closed cases, a tier-3 case and a full timeline."""
    account = factories.make_account(name="Acme Trading", email_domain="acme.example")
    ana = factories.make_contact(account, name="Ana Lopez", roles=[ContactRoleKind.BILLING])
    ben = factories.make_contact(account, name="Ben Okafor")
    front, experts = factories.make_queue(1), factories.make_queue(3)
    created = utcnow() - timedelta(days=3)
    open_case = factories.make_case(ana, queue=front, subject="Printer offline")
    closed_case = factories.make_case(
        ana,
        queue=front,
        subject="Invoice copy",
        status=CaseStatus.CLOSED,
        created_at=created,
        resolved_at=created + timedelta(hours=2),
        closed_at=created + timedelta(hours=3),
    )
    old_case = factories.make_case(
        ben,
        queue=front,
        subject="Last year's question",
        status=CaseStatus.RESOLVED,
        created_at=datetime(utcnow().year - 1, 6, 1, tzinfo=UTC),
        resolved_at=datetime(utcnow().year - 1, 6, 1, 4, tzinfo=UTC),
    )
    secret_case = factories.make_case(ben, queue=experts, subject="Expert-only escalation")
    db.session.add(ContactRole(contact_id=ben.id, case_id=open_case.id, kind=ContactRoleKind.CC))
    factories.add_event(open_case, EventKind.PUBLIC_REPLY, body="We are looking into it")
    factories.add_event(open_case, EventKind.INTERNAL_NOTE, body=CANARY)
    factories.add_event(
        closed_case,
        EventKind.INTERACTION,
        body="Called about the invoice",
        channel=Channel.PHONE,
        direction=Direction.INBOUND,
        duration_seconds=300,
    )
    factories.add_event(secret_case, EventKind.PUBLIC_REPLY, body="Expert-only reply")
    db.session.commit()
    return {
        "account": account,
        "ana": ana,
        "ben": ben,
        "open": open_case,
        "closed": closed_case,
        "old": old_case,
        "secret": secret_case,
    }


# --- access ----------------------------------------------------------------------------------


def crm_routes(account_id: int, contact_id: int) -> list[tuple[str, str]]:
    return [
        ("get", "/agent/accounts"),
        ("get", "/agent/accounts/new"),
        ("post", "/agent/accounts/new"),
        ("get", f"/agent/accounts/{account_id}"),
        ("get", f"/agent/accounts/{account_id}/edit"),
        ("post", f"/agent/accounts/{account_id}/edit"),
        ("get", "/agent/contacts"),
        ("get", "/agent/contacts/new"),
        ("post", "/agent/contacts/new"),
        ("get", f"/agent/contacts/{contact_id}"),
        ("get", f"/agent/contacts/{contact_id}/edit"),
        ("post", f"/agent/contacts/{contact_id}/edit"),
        ("get", "/agent/contacts/import"),
        ("post", "/agent/contacts/import"),
        ("get", "/agent/contacts/duplicates"),
        ("get", f"/agent/contacts/merge?survivor={contact_id}&duplicate={contact_id}"),
        ("post", "/agent/contacts/merge"),
        ("post", "/agent/contacts/merges/1/undo"),
    ]


def test_customers_get_403_on_every_crm_page(client, login_as, acme, db):
    login_as(factories.make_user(Role.CUSTOMER, account=acme["account"]))
    before = count(db, Contact)
    for method, url in crm_routes(acme["account"].id, acme["ana"].id):
        response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url)
        assert "Acme Trading" not in response.get_data(as_text=True)
    assert count(db, Contact) == before


def test_anonymous_visitors_are_sent_to_sign_in(client, acme):
    for method, url in crm_routes(acme["account"].id, acme["ana"].id):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"]


def test_agents_may_not_merge_or_undo(client, login_as, acme, db):
    login_as(Role.AGENT)
    ana, ben = acme["ana"], acme["ben"]
    preview = client.get(f"/agent/contacts/merge?survivor={ana.id}&duplicate={ben.id}")
    merge = client.post("/agent/contacts/merge", data={"survivor": ana.id, "duplicate": ben.id})
    undo = client.post("/agent/contacts/merges/1/undo")
    assert (preview.status_code, merge.status_code, undo.status_code) == (403, 403, 403)
    assert count(db, ContactMerge) == 0


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.ADMIN])
def test_staff_can_open_every_crm_page(client, login_as, acme, role):
    login_as(role)
    for url in [
        "/agent/accounts",
        f"/agent/accounts/{acme['account'].id}",
        f"/agent/accounts/{acme['account'].id}/edit",
        "/agent/accounts/new",
        "/agent/contacts",
        f"/agent/contacts/{acme['ana'].id}",
        f"/agent/contacts/{acme['ana'].id}/edit",
        "/agent/contacts/new",
        "/agent/contacts/import",
        "/agent/contacts/duplicates",
    ]:
        assert client.get(url).status_code == 200, url


def test_missing_records_and_bad_pages_are_404_and_400(client, login_as, acme):
    login_as(Role.SUPERVISOR)
    assert client.get("/agent/accounts/99999").status_code == 404
    assert client.get("/agent/contacts/99999").status_code == 404
    assert client.get("/agent/accounts?page=0").status_code == 400
    assert client.get("/agent/contacts/merge?survivor=1").status_code == 400
    assert client.post("/agent/contacts/merges/99999/undo").status_code == 404


# --- 360 views -------------------------------------------------------------------------------


def test_account_360_shows_every_case_the_timeline_and_counts(client, login_as, acme):
    login_as(factories.make_user(Role.AGENT, max_tier=1))
    page = client.get(f"/agent/accounts/{acme['account'].id}").get_data(as_text=True)
    for subject in ("Printer offline", "Invoice copy", "Last year&#39;s question"):
        assert subject in page
    assert "Ana Lopez" in page and "Ben Okafor" in page and "Billing contact" in page
    assert "We are looking into it" in page and "Called about the invoice" in page
    assert CANARY in page  # internal notes are for staff, shown as such
    assert 'data-kind="internal_note"' in page and 'data-kind="opened"' in page
    assert 'data-count="open">1<' in page  # the tier-3 case is not counted for a tier-1 agent
    assert 'data-count="this-year">2<' in page
    assert 'data-count="total">3<' in page
    assert "3 hours" in page  # (2 h + 4 h) / 2


def test_360_views_hide_cases_above_the_readers_tier(app, client, login_as, acme):
    login_as(factories.make_user(Role.AGENT, max_tier=1))
    for url in (f"/agent/accounts/{acme['account'].id}", f"/agent/contacts/{acme['ben'].id}"):
        page = client.get(url).get_data(as_text=True)
        assert "Expert-only" not in page and acme["secret"].number not in page
    supervisor = app.test_client()
    login_as(factories.make_user(Role.SUPERVISOR), test_client=supervisor)
    page = supervisor.get(f"/agent/contacts/{acme['ben'].id}").get_data(as_text=True)
    assert "Expert-only escalation" in page and "Expert-only reply" in page


def test_contact_360_lists_requested_and_copied_cases(client, login_as, acme):
    login_as(Role.SUPERVISOR)
    page = client.get(f"/agent/contacts/{acme['ben'].id}").get_data(as_text=True)
    assert "Printer offline" in page  # Ben is in copy on Ana's case
    assert "Last year&#39;s question" in page and "Expert-only escalation" in page
    assert "Invoice copy" not in page
    assert 'data-count="total">3<' in page and 'data-count="open">2<' in page


def test_360_pages_work_in_persian_right_to_left(client, login_as, acme, db):
    agent = login_as(Role.SUPERVISOR)
    db.session.get(User, agent.id).language = "fa"
    db.session.commit()
    page = client.get(f"/agent/contacts/{acme['ana'].id}").get_data(as_text=True)
    assert 'dir="rtl"' in page and "Printer offline" in page


def _big_account(db, *, cases: int) -> Account:
    """An account with `cases` cases, each with its own requester, assignee, queue and events."""
    account = factories.make_account()
    for _ in range(cases):
        requester = factories.make_contact(account, roles=[ContactRoleKind.TECHNICAL])
        assignee = factories.make_user(Role.AGENT)
        case = factories.make_case(requester, queue=factories.make_queue(1), assignee=assignee)
        db.session.add(ContactRole(contact_id=requester.id, case_id=case.id, kind="requester"))
        factories.add_event(case, EventKind.PUBLIC_REPLY, author=assignee)
        factories.add_event(case, EventKind.INTERNAL_NOTE, author=assignee)
        factories.add_event(case, EventKind.INTERACTION, channel=Channel.PHONE, author=assignee)
    db.session.commit()
    return account


def test_360_query_counts_do_not_grow_with_the_data(client, login_as, db, count_queries):
    login_as(Role.SUPERVISOR)
    small, big = _big_account(db, cases=1), _big_account(db, cases=30)
    small_contact = small.contacts[0]
    big_contact = factories.make_contact(big, name="Busy Person")
    for case in db.session.scalars(sa.select(Case).where(Case.account_id == big.id)):
        db.session.add(ContactRole(contact_id=big_contact.id, case_id=case.id, kind="cc"))
    db.session.commit()
    lengths = {}
    for label, url in [
        ("account-small", f"/agent/accounts/{small.id}"),
        ("account-big", f"/agent/accounts/{big.id}"),
        ("contact-small", f"/agent/contacts/{small_contact.id}"),
        ("contact-big", f"/agent/contacts/{big_contact.id}"),
    ]:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        lengths[label] = len(statements)
    assert lengths["account-small"] == lengths["account-big"], lengths
    assert lengths["contact-small"] == lengths["contact-big"], lengths


# --- create and edit -------------------------------------------------------------------------


def test_agent_creates_and_edits_an_account_with_audit(client, login_as, db):
    login_as(Role.AGENT)
    response = client.post(
        "/agent/accounts/new",
        data={
            "name": "شرکت نمونه",
            "email_domain": "Nemune.IR",
            "entitlement": "standard",
            "owner_id": "0",
        },
    )
    assert response.status_code == 302
    account = db.session.scalars(sa.select(Account)).one()
    assert (account.name, account.email_domain) == ("شرکت نمونه", "nemune.ir")
    response = client.post(
        f"/agent/accounts/{account.id}/edit",
        data={
            "name": "شرکت نمونه",
            "email_domain": "not a domain",
            "entitlement": "standard",
            "owner_id": "0",
        },
    )
    assert response.status_code == 400 and "Not a valid domain" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Account, account.id).email_domain == "nemune.ir"
    actions = audit_actions(db)
    assert "account.create" in actions and "account.update" not in actions


def test_account_search_folds_arabic_and_persian_letters(client, login_as, db):
    login_as(Role.AGENT)
    factories.make_account(name="شركة علي")  # Arabic kaf and yeh
    factories.make_account(name="Other Ltd")
    db.session.commit()
    page = client.get("/agent/accounts", query_string={"q": "شرکة علی"}).get_data(as_text=True)
    assert "0 accounts" not in page and "Other Ltd" not in page
    page = client.get("/agent/accounts", query_string={"q": "علی"}).get_data(as_text=True)
    assert "شركة علي" in page


def test_contact_is_created_under_an_account_typed_by_domain(client, login_as, acme, db):
    login_as(Role.AGENT)
    response = client.post(
        "/agent/contacts/new",
        data={
            "name": "Cyrus",
            "email": "cyrus@acme.example",
            "phone": "۰۹۱۲ ۳۴۵ ۶۷۸۹",
            "account": "ACME.example",
            "language": "fa",
        },
    )
    assert response.status_code == 302
    contact = db.session.scalars(sa.select(Contact).where(Contact.name == "Cyrus")).one()
    assert (contact.account_id, contact.phone, contact.language) == (
        acme["account"].id,
        "0912 345 6789",
        "fa",
    )
    assert "contact.create" in audit_actions(db)


def test_contact_email_must_be_unique_and_valid(client, login_as, acme, db):
    login_as(Role.AGENT)
    taken = client.post(
        "/agent/contacts/new", data={"name": "Copy", "email": acme["ana"].email.upper()}
    )
    assert taken.status_code == 400 and "already has this email" in taken.get_data(as_text=True)
    bad = client.post("/agent/contacts/new", data={"name": "Bad", "email": "no-at-sign"})
    assert bad.status_code == 400
    unknown = client.post("/agent/contacts/new", data={"name": "X", "account": "nowhere.example"})
    assert unknown.status_code == 400 and "No account" in unknown.get_data(as_text=True)
    assert count(db, Contact, Contact.name.in_(["Copy", "Bad", "X"])) == 0


def test_contact_edit_keeps_its_own_email_and_records_changes(client, login_as, acme, db):
    login_as(Role.AGENT)
    ana = acme["ana"]
    factories.make_contact(name="Legacy copy", email=ana.email.upper())  # an older duplicate
    response = client.post(
        f"/agent/contacts/{ana.id}/edit",
        data={
            "name": "Ana María López",
            "email": ana.email,
            "phone": "+34 600 000 000",
            "account": "acme.example",
            "language": "",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contact, ana.id).name == "Ana María López"
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "contact.update")
    ).one()
    assert event.details["changes"]["name"] == ["Ana Lopez", "Ana María López"]


# --- CSV import ------------------------------------------------------------------------------

GOOD_AND_BAD = (
    "name,email,phone,account,language\n"
    "Sara Ahmadi,sara@acme.example,۰۹۱۲-۱۲۳-۴۵۶۷,acme.example,fa\n"
    ",nobody@acme.example,,,\n"
    "Bad Mail,not-an-email,,,\n"
    "Twice,sara@ACME.example,,,\n"
    "Known,{known},,,\n"
    "No Account,na@x.example,,Unknown Corp,\n"
    "Wrong Lang,wl@x.example,,,xx\n"
    "Bad Phone,bp@x.example,call me,,\n"
    "عمر الفاروق,omar@x.example,٠٥٠١٢٣٤٥٦٧,Acme Trading,ar\n"
)


def test_csv_import_creates_good_rows_and_reports_rejected_ones(client, login_as, acme, db):
    login_as(Role.AGENT)
    before = count(db, Contact)
    response = csv_upload(client, GOOD_AND_BAD.format(known=acme["ana"].email))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert count(db, Contact) == before + 2
    sara = db.session.scalars(sa.select(Contact).where(Contact.name == "Sara Ahmadi")).one()
    assert (sara.phone, sara.language, sara.account_id) == (
        "0912-123-4567",
        "fa",
        acme["account"].id,
    )
    omar = db.session.scalars(sa.select(Contact).where(Contact.email == "omar@x.example")).one()
    assert omar.phone == "0501234567" and omar.account_id == acme["account"].id
    assert "2 of 9 rows created" in page
    for reason in (
        "The name is missing.",
        "Not a valid email address",
        "The same email address is on line 2.",
        "A contact with this email address already exists.",
        "No account has this name or domain.",
        "Unknown language",
        "Not a phone number",
    ):
        assert reason in page, reason
    assert "contact.import" in audit_actions(db)


def test_csv_import_reads_utf8_with_bom_and_semicolons(client, login_as, db):
    login_as(Role.AGENT)
    data = "\ufeffName;Email;Phone\nعلی رضایی;ali@x.example;+98 (912) 000 1111\n".encode()
    response = csv_upload(client, data)
    assert response.status_code == 200
    contact = db.session.scalars(sa.select(Contact)).one()
    assert (contact.name, contact.phone) == ("علی رضایی", "+98 (912) 000 1111")


@pytest.mark.parametrize(
    "data, message",
    [
        ("name,email\nعلي,a@b.example\n".encode("cp1256"), "not UTF-8"),
        (b"", "The file is empty"),
        (b"email,phone\na@b.example,1\n", "at least"),
        (b"name,name\nx,y\n", "appears twice"),
        (b"\x00\x01\x02binary\xff\xfe", "not UTF-8"),
    ],
)
def test_unreadable_csv_gets_400_not_500_and_saves_nothing(client, login_as, db, data, message):
    login_as(Role.AGENT)
    response = csv_upload(client, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db, Contact) == 0


def test_csv_dry_run_checks_without_saving(client, login_as, db):
    login_as(Role.AGENT)
    response = csv_upload(client, "name,email\nA Person,a@x.example\n", dry_run=True)
    assert response.status_code == 200
    assert "would be created" in response.get_data(as_text=True)
    assert count(db, Contact) == 0


def test_import_saves_nothing_when_the_transaction_fails(client, login_as, db, monkeypatch):
    login_as(Role.AGENT)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(contact_import.audit, "record", broken)
    response = csv_upload(client, "name,email\nA,a@x.example\nB,b@x.example\n")
    assert response.status_code == 500
    assert count(db, Contact) == 0


def test_flask_contacts_import_command_with_progress(app, db, tmp_path, acme):
    path = tmp_path / "contacts.csv"
    path.write_text("name,email,phone\nDara,dara@x.example,۰۹۱۲۰۰۰۰۰۰۰\n,missing@x.example,\n")
    result = app.test_cli_runner().invoke(contact_import.contacts_cli, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 of 2 contacts created; 1 rejected." in result.output
    assert "line 3" in result.output and "The name is missing." in result.output
    db.session.expire_all()
    assert db.session.scalars(sa.select(Contact.phone).where(Contact.name == "Dara")).one() == (
        "09120000000"
    )


# --- duplicates ------------------------------------------------------------------------------


def test_keys_fold_persian_arabic_letters_and_digits():
    assert matching.fold_name("علي  رضايي") == matching.fold_name("علی رضایی")
    assert matching.fold_name("فاطمة أحمدي") == matching.fold_name("فاطمه احمدی")
    assert matching.fold_name("مُحمّد") == matching.fold_name("محمد")
    assert matching.name_keys("علی‌رضا کریمی") & matching.name_keys("علیرضا کریمی")
    assert matching.name_keys("رضایی علی") & matching.name_keys("علي رضايي")
    assert matching.phone_key("+98 912 123 4567") == matching.phone_key("۰۹۱۲۱۲۳۴۵۶۷")
    assert matching.phone_key("0098-912-123-4567") == "9121234567"
    assert matching.phone_key("12") is None


def test_duplicates_are_found_by_email_phone_and_name_variants(client, login_as, db):
    login_as(Role.SUPERVISOR)
    mail_a = factories.make_contact(name="Mina K", email="Mina@Example.com")
    mail_b = factories.make_contact(name="M. Karimi", email="mina@example.COM")
    phone_a = factories.make_contact(name="Reza One", email=None, phone="+98 912 555 0101")
    phone_b = factories.make_contact(name="Reza Two", email=None, phone="۰۹۱۲ ۵۵۵ ۰۱۰۱")
    name_a = factories.make_contact(name="علي رضايي", email="ali1@x.example")
    name_b = factories.make_contact(name="علی رضایی", email="ali2@x.example")
    factories.make_contact(name="Someone Else", email="else@x.example", phone="021 888 0000")
    db.session.commit()
    report = duplicates.likely_duplicates()
    found = {(p.first.id, p.second.id): p.reasons for p in report.pairs}
    assert found == {
        (mail_a.id, mail_b.id): ["email"],
        (phone_a.id, phone_b.id): ["phone"],
        (name_a.id, name_b.id): ["name"],
    }
    page = client.get("/agent/contacts/duplicates").get_data(as_text=True)
    assert "علي رضايي" in page and "علی رضایی" in page and "Preview merge" in page


def test_merged_contacts_are_no_longer_listed_as_duplicates(db):
    first = factories.make_contact(email="same@x.example")
    second = factories.make_contact(email="same@x.example")
    contact_merge.merge_contacts(first, second, by=None)
    db.session.commit()
    assert duplicates.likely_duplicates().pairs == []


# --- merge and undo --------------------------------------------------------------------------


@pytest.fixture
def pair(db):
    """A survivor and a duplicate (with a login, cases, roles, an event and feedback)."""
    account = factories.make_account(name="Merge Co")
    survivor = factories.make_contact(account, name="Leila Ahmadi", phone=None)
    user = factories.make_user(Role.CUSTOMER, account=account, name="ليلا احمدي")
    duplicate = user.contact
    duplicate.phone = "0912 111 2222"
    case_one = factories.make_case(duplicate, subject="Duplicate's first case")
    case_two = factories.make_case(duplicate, subject="Duplicate's second case")
    shared = factories.make_case(survivor, subject="Survivor's case")
    db.session.add_all(
        [
            ContactRole(contact_id=duplicate.id, case_id=case_one.id, kind="requester"),
            ContactRole(contact_id=duplicate.id, account_id=account.id, kind="billing"),
            # Both are copied on the survivor's case: this role is not doubled.
            ContactRole(contact_id=duplicate.id, case_id=shared.id, kind="cc"),
            ContactRole(contact_id=survivor.id, case_id=shared.id, kind="cc"),
            Feedback(kind=FeedbackKind.COMPLAINT, contact_id=duplicate.id, summary="Slow"),
        ]
    )
    event = factories.add_event(case_one, contact_id=duplicate.id, body="From the duplicate")
    db.session.commit()
    return {
        "survivor": survivor,
        "duplicate": duplicate,
        "user": user,
        "cases": [case_one, case_two],
        "shared": shared,
        "event": event,
    }


def test_merge_preview_lists_what_moves(client, login_as, pair):
    login_as(Role.SUPERVISOR)
    response = client.get(
        "/agent/contacts/merge",
        query_string={"survivor": pair["survivor"].id, "duplicate": pair["duplicate"].id},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Cases requested: 2" in page and pair["cases"][0].number in page
    assert "Roles on cases and accounts: 2" in page
    assert "Timeline entries (replies, interactions): 1" in page
    assert "Feedback and survey answers: 1" in page
    assert "will sign in as the survivor" in page
    assert "not doubled: 1" in page


def test_merge_moves_cases_roles_events_feedback_and_login(client, login_as, pair, db):
    supervisor = login_as(Role.SUPERVISOR)
    survivor, duplicate = pair["survivor"], pair["duplicate"]
    versions = {case.id: case.version for case in pair["cases"]}
    response = client.post(
        "/agent/contacts/merge", data={"survivor": survivor.id, "duplicate": duplicate.id}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/agent/contacts/{survivor.id}"
    db.session.expire_all()
    for case in pair["cases"]:
        moved = db.session.get(Case, case.id)
        assert moved.requester_id == survivor.id and moved.version == versions[case.id] + 1
    assert count(db, ContactRole, ContactRole.contact_id == duplicate.id) == 0
    assert count(db, ContactRole, ContactRole.contact_id == survivor.id) == 3
    assert db.session.get(CaseEvent, pair["event"].id).contact_id == survivor.id
    assert db.session.scalars(sa.select(Feedback.contact_id)).one() == survivor.id
    assert db.session.get(User, pair["user"].id).contact_id == survivor.id
    assert db.session.get(Contact, duplicate.id).merged_into_id == survivor.id
    assert db.session.get(Contact, survivor.id).phone == "0912 111 2222"  # filled in
    merge = db.session.scalars(sa.select(ContactMerge)).one()
    assert merge.merged_by_id == supervisor.id
    assert sorted(merge.moved["cases"]) == sorted(c.id for c in pair["cases"])
    assert merge.duplicate_snapshot["name"] == "ليلا احمدي"
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "contact.merge")
    ).one()
    assert (event.actor_id, event.subject_id, event.details["cases"]) == (
        supervisor.id,
        survivor.id,
        2,
    )
    page = client.get(f"/agent/contacts/{survivor.id}").get_data(as_text=True)
    assert "Duplicate&#39;s first case" in page and "Undo this merge" in page
    page = client.get(f"/agent/contacts/{duplicate.id}").get_data(as_text=True)
    assert "This contact was merged into" in page


def test_undo_restores_the_duplicate_and_moves_everything_back(client, login_as, pair, db):
    login_as(Role.SUPERVISOR)
    survivor, duplicate = pair["survivor"], pair["duplicate"]
    roles_before = role_rows(db)
    client.post("/agent/contacts/merge", data={"survivor": survivor.id, "duplicate": duplicate.id})
    merge = db.session.scalars(sa.select(ContactMerge)).one()
    response = client.post(f"/agent/contacts/merges/{merge.id}/undo")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/agent/contacts/{duplicate.id}"
    db.session.expire_all()
    for case in pair["cases"]:
        assert db.session.get(Case, case.id).requester_id == duplicate.id
    assert db.session.get(Case, pair["shared"].id).requester_id == survivor.id
    assert role_rows(db) == roles_before
    assert db.session.get(CaseEvent, pair["event"].id).contact_id == duplicate.id
    assert db.session.scalars(sa.select(Feedback.contact_id)).one() == duplicate.id
    assert db.session.get(User, pair["user"].id).contact_id == duplicate.id
    restored = db.session.get(Contact, duplicate.id)
    assert restored.merged_into_id is None and restored.name == "ليلا احمدي"
    assert db.session.get(Contact, survivor.id).phone is None
    assert db.session.get(ContactMerge, merge.id).undone_at is not None
    assert audit_actions(db)[-2:] == ["contact.merge", "contact.merge_undo"]
    again = client.post(f"/agent/contacts/merges/{merge.id}/undo")
    assert again.status_code == 302
    assert "already undone" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_merge_is_refused_when_both_contacts_have_logins(client, login_as, db):
    login_as(Role.SUPERVISOR)
    account = factories.make_account()
    first = factories.make_user(Role.CUSTOMER, account=account).contact
    second = factories.make_user(Role.CUSTOMER, account=account).contact
    case = factories.make_case(second)
    db.session.commit()
    preview = client.get(
        "/agent/contacts/merge", query_string={"survivor": first.id, "duplicate": second.id}
    )
    assert preview.status_code == 409
    assert "Both contacts sign in with their own login" in preview.get_data(as_text=True)
    response = client.post(
        "/agent/contacts/merge", data={"survivor": first.id, "duplicate": second.id}
    )
    assert response.status_code == 409
    assert "Both contacts sign in" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).requester_id == second.id
    assert count(db, ContactMerge) == 0
    assert db.session.get(Contact, second.id).merged_into_id is None


def test_a_contact_cannot_be_merged_twice_or_into_itself(db):
    first, second, third = (factories.make_contact() for _ in range(3))
    with pytest.raises(MergeRefused):
        contact_merge.merge_contacts(first, first, by=None)
    contact_merge.merge_contacts(first, second, by=None)
    db.session.commit()
    with pytest.raises(MergeRefused):
        contact_merge.merge_contacts(third, second, by=None)
    with pytest.raises(MergeRefused):
        contact_merge.merge_contacts(second, third, by=None)  # the survivor was merged away


def test_undo_is_refused_while_the_survivor_is_merged_into_a_third(db):
    first, second, third = (factories.make_contact() for _ in range(3))
    inner = contact_merge.merge_contacts(second, first, by=None)
    outer = contact_merge.merge_contacts(third, second, by=None)
    db.session.commit()
    with pytest.raises(MergeRefused):
        contact_merge.undo_merge(inner, by=None)
    db.session.rollback()
    contact_merge.undo_merge(outer, by=None)
    contact_merge.undo_merge(db.session.get(ContactMerge, inner.id), by=None)
    db.session.commit()
    assert count(db, Contact, Contact.merged_into_id.is_not(None)) == 0
