"""No 500 on any input (issue 13, items 3-7): ids and numbers beyond the database's range,
other scripts' digits, NUL bytes, fields missing from a submission, and time zones the date
formatter does not know. Each runs on SQLite and on PostgreSQL (TEST_DATABASE_URL), where a
number from 2^31 on and a NUL in text used to be database errors."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import wtforms
from babel.dates import format_datetime
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from portal import forms as portal_forms
from portal import i18n, numbers
from portal.agent.forms_crm import ContactForm
from portal.inputs import IdConverter, UnstorableText
from portal.kernel import inbox
from portal.models import (
    Account,
    Case,
    CaseStatus,
    Contact,
    Goal,
    Notification,
    NotificationKind,
    Role,
    User,
)
from tests import factories
from tests.reading import page_text

BIG = "99999999999999999999"
JUST_OVER = str(2**31)  # PostgreSQL `integer` ends at 2^31 - 1
RANGE_MESSAGE = "must be a whole number from 1 to 2147483647"


@pytest.fixture
def desk(db):
    """A queue with an agent, a supervisor and a customer's open case in it."""
    queue = factories.make_queue(1, name="Front line")
    agent = factories.make_user(Role.AGENT, name="Tara Agent")
    factories.join_queue(agent, queue)
    supervisor = factories.make_user(Role.SUPERVISOR)
    customer = factories.make_user(Role.CUSTOMER)
    case = factories.make_case(customer.contact, queue=queue, status=CaseStatus.OPEN)
    db.session.commit()
    return {
        "queue": queue,
        "agent": agent,
        "supervisor": supervisor,
        "customer": customer,
        "case": case,
    }


def text_of(response) -> str:
    return page_text(response.get_data(as_text=True))


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- item 3: ids in URLs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/agent/queues/{big}",
        "/agent/queues/{just_over}",
        "/agent/queues/0",
        "/agent/accounts/{big}",
        "/agent/contacts/{just_over}",
        "/agent/contacts/{just_over}/edit",
        "/supervisor/goals/{just_over}",
        "/feedback/items/{just_over}",
        "/agent/cases/CS-{just_over}",
        "/agent/cases/CS-{big}",
    ],
)
def test_ids_beyond_the_database_range_are_not_found_without_a_query(
    client, login_as, desk, count_queries, path
):
    login_as(desk["supervisor"])
    url = path.format(big=BIG, just_over=JUST_OVER)
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 404
    looked_up = [s for s in statements if re.search(r"\b(queues|accounts|contacts|goals)\b", s)]
    assert not [s for s in looked_up if "FROM sessions" not in s and "users" not in s]


def test_an_id_in_persian_or_arabic_indic_digits_opens_the_page(client, login_as, desk):
    login_as(desk["agent"])
    queue_id = desk["queue"].id
    persian = str(queue_id).translate(i18n.PERSIAN_DIGITS)
    arabic = str(queue_id).translate(i18n.ARABIC_INDIC_DIGITS)
    for path in (f"/agent/queues/{persian}", f"/agent/queues/{arabic}"):
        response = client.get(path)
        assert response.status_code == 200 and "Front line" in text_of(response)


def test_other_digits_in_an_id_do_not_match(client, login_as, desk):
    login_as(desk["agent"])
    assert client.get("/agent/queues/²").status_code == 404
    assert client.get("/agent/queues/１").status_code == 404  # fullwidth one


def test_every_integer_in_a_route_is_a_bounded_id(app):
    for rule in app.url_map.iter_rules():
        for converter in rule._converters.values():
            if isinstance(converter, IntegerConverter):
                assert isinstance(converter, IdConverter), rule.rule
                assert (converter.min, converter.max) == (1, numbers.DB_INT_MAX)


# --- item 3: numbers in query strings --------------------------------------------------------


@pytest.mark.parametrize(
    "path,name,high",
    [
        ("/agent/accounts?page={big}", "page", 100_000),
        ("/agent/contacts?page={just_over}", "page", 100_000),
        ("/agent/search?q=printer&page={big}", "page", numbers.DB_INT_MAX),
        ("/agent/contacts/new?account={big}", "account", numbers.DB_INT_MAX),
        ("/agent/contacts/merge?survivor={big}&duplicate=1", "survivor", numbers.DB_INT_MAX),
        ("/agent/contacts/merge?survivor=1&duplicate={just_over}", "duplicate", numbers.DB_INT_MAX),
        ("/supervisor/goals?page={big}", "page", numbers.DB_INT_MAX),
        ("/supervisor/escalations?page={just_over}", "page", numbers.DB_INT_MAX),
        ("/feedback/items?theme={big}", "theme", numbers.DB_INT_MAX),
        ("/feedback/items?owner={just_over}", "owner", numbers.DB_INT_MAX),
        ("/feedback/items?page=0", "page", 100_000),
        ("/feedback/log?contact={big}", "contact", numbers.DB_INT_MAX),
    ],
)
def test_numbers_beyond_the_range_in_a_query_string_are_400_with_a_message(
    client, login_as, desk, path, name, high
):
    login_as(desk["supervisor"])
    response = client.get(path.format(big=BIG, just_over=JUST_OVER))
    assert response.status_code == 400
    expected = f"“{name}” in the address must be a whole number from 1 to {high}."
    assert expected in text_of(response)


def test_a_customer_page_number_beyond_the_range_is_400(client, login_as, desk):
    login_as(desk["customer"])
    for path in (f"/my/cases?page={BIG}", f"/my/search?q=printer&page={BIG}"):
        response = client.get(path)
        assert response.status_code == 400
        assert f"“page” in the address {RANGE_MESSAGE}" in text_of(response)


def test_queue_filters_out_of_range_are_400_with_a_message(client, login_as, desk):
    login_as(desk["agent"])
    queue = desk["queue"].id
    for name, value in (("page", BIG), ("page", JUST_OVER), ("account", BIG), ("assignee", BIG)):
        response = client.get(f"/agent/queues/{queue}?{name}={value}")
        assert response.status_code == 400
        assert f"“{name}” in the address has a value this page cannot use." in text_of(response)


def test_a_json_client_gets_a_json_error(client, login_as, desk):
    login_as(desk["supervisor"])
    response = client.get(f"/agent/accounts?page={BIG}", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.is_json and "“page” in the address" in response.json["error"]["message"]
    response = client.get(f"/supervisor/dashboard?format=json&scope=queue:{BIG}")
    assert response.status_code == 400 and response.is_json and response.json["error"]


# --- item 3: numbers in forms ----------------------------------------------------------------


def test_a_notification_id_beyond_the_range_is_refused_and_nothing_changes(
    client, login_as, desk, db
):
    inbox.notify([desk["agent"]], NotificationKind.FIRST_RESPONSE_WARNING, desk["case"], "Due soon")
    db.session.commit()
    login_as(desk["agent"])
    for value in (BIG, JUST_OVER, "²"):
        response = client.post("/agent/notifications/read", data={"notification": value})
        assert response.status_code == 400
    assert inbox.unread_count(desk["agent"]) == 1
    arabic = str(db.session.scalar(sa.select(Notification.id))).translate(i18n.ARABIC_INDIC_DIGITS)
    assert (
        client.post("/agent/notifications/read", data={"notification": arabic}).status_code == 302
    )
    assert inbox.unread_count(desk["agent"]) == 0


def test_bulk_actions_with_ids_beyond_the_range_change_nothing(client, login_as, desk, db):
    login_as(desk["agent"])
    case = desk["case"]
    queue = desk["queue"].id
    for data in (
        {"case_ids": BIG, "action": "assign", "value": "none"},
        {"case_ids": str(case.id), "action": "assign", "value": BIG},
        {"case_ids": str(case.id), "action": "queue", "value": JUST_OVER},
        {"case_ids": str(case.id), "action": "assign", "value": "²"},
    ):
        response = client.post(f"/agent/queues/{queue}/bulk", data=data)
        assert response.status_code in (302, 400), data
    db.session.expire_all()
    assert db.session.get(Case, case.id).version == case.version


GOAL = {
    "name": "Faster",
    "metric": "created",
    "direction": "at_least",
    "target": "10",
    "owner_kind": "team",
    "period_start": "2026-12-01",
    "period_end": "2026-12-31",
    "thresholds": "75,100",
    "behind_margin": "10",
}


@pytest.mark.parametrize(
    "changes,field_error",
    [
        ({"owner_kind": "queue", "owner_queue_id": BIG}, "Invalid Choice"),
        ({"owner_kind": "agent", "owner_user_id": JUST_OVER}, "Invalid Choice"),
        ({"behind_margin": BIG}, "Give a whole number from 0 to 2147483647."),
        ({"target": "nan"}, "Give a number, such as 95 or 2.5."),
        ({"target": "1e400"}, "Give a number, such as 95 or 2.5."),
        ({"thresholds": "²"}, "List whole percentages"),
    ],
)
def test_goal_numbers_out_of_range_are_form_errors(
    client, login_as, desk, db, changes, field_error
):
    login_as(desk["supervisor"])
    response = client.post("/supervisor/goals/new", data={**GOAL, **changes})
    assert response.status_code == 400
    assert field_error in text_of(response)
    assert count(db, Goal) == 0


def test_persian_and_arabic_indic_digits_are_numbers_in_forms(client, login_as, desk, db):
    login_as(desk["supervisor"])
    response = client.post(
        "/supervisor/goals/new",
        data={**GOAL, "target": "۱۲٫۵", "behind_margin": "٢٠", "thresholds": "۷۵،١٠٠"},
    )
    assert response.status_code == 302, text_of(response)
    goal = db.session.scalars(sa.select(Goal)).one()
    assert (goal.target, goal.behind_margin, goal.thresholds) == (12.5, 20, "75,100")


# --- item 4: digits of other scripts ---------------------------------------------------------


def test_digits_that_are_not_numbers_are_400_in_queue_filters(client, login_as, desk):
    login_as(desk["agent"])
    queue = desk["queue"].id
    for name in ("account", "assignee", "page"):
        for value in ("²", "１", "७"):  # superscript, fullwidth, Devanagari
            response = client.get(f"/agent/queues/{queue}?{name}={value}")
            assert response.status_code == 400, (name, value)


def test_persian_digits_work_in_queue_filters(client, login_as, desk, db):
    login_as(desk["agent"])
    queue, case = desk["queue"], desk["case"]
    other = factories.make_case(queue=queue, status=CaseStatus.OPEN, subject="Someone else's")
    db.session.commit()
    account = str(case.account_id).translate(i18n.PERSIAN_DIGITS)
    response = client.get(f"/agent/queues/{queue.id}?account={account}&page=۱")
    assert response.status_code == 200
    text = text_of(response)
    assert case.subject in text and other.subject not in text


def test_digits_that_are_not_numbers_are_400_elsewhere(client, login_as, desk):
    login_as(desk["supervisor"])
    assert client.get("/feedback/items?owner=²").status_code == 400
    assert client.get("/supervisor/dashboard?scope=queue:²").status_code == 400
    assert client.get("/agent/accounts?page=²").status_code == 400


@pytest.mark.parametrize(
    "text,value",
    [("42", 42), ("۴۲", 42), ("٤٢", 42), (" +7 ", 7), ("-3", -3), ("0042", 42)],
)
def test_parse_int_reads_western_persian_and_arabic_indic_digits(text, value):
    assert numbers.parse_int(text) == value


@pytest.mark.parametrize("text", ["²", "１", "७", "4.2", "", "x", "1e3", "9" * 5000, JUST_OVER])
def test_parse_int_refuses_other_text(text):
    with pytest.raises(numbers.BadNumber):
        numbers.parse_int(text)


# --- item 5: NUL and other text the database cannot store ------------------------------------


def test_nul_in_sign_in_is_a_form_error(client, db):
    response = client.post("/login", data={"email": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400
    assert "control character (such as NUL)" in text_of(response)


def test_nul_in_registration_stores_nothing(client, db):
    users = count(db, User)
    response = client.post(
        "/register",
        data={
            "name": "Nul\x00Name",
            "email": "nul@example.com",
            "password": "a long enough passphrase",
            "confirm": "a long enough passphrase",
            "language": "en",
        },
    )
    assert response.status_code == 400
    assert "control character (such as NUL)" in text_of(response)
    assert count(db, User) == users


def test_nul_in_a_new_case_stores_nothing(client, login_as, desk, db):
    login_as(desk["customer"])
    cases = count(db, Case)
    response = client.post(
        "/my/cases/new",
        data={
            "subject": "Printer\x00",
            "description": "It is on fire",
            "category": "general",
            "priority": "normal",
        },
    )
    assert response.status_code == 400
    assert "control character (such as NUL)" in text_of(response)
    assert count(db, Case) == cases


def test_nul_in_a_reply_or_a_contact_edit_changes_nothing(client, login_as, desk, db):
    login_as(desk["agent"])
    case = desk["case"]
    response = client.post(f"/agent/cases/{case.number}/reply", data={"body": "Hello\x00"})
    assert response.status_code == 400
    contact = desk["customer"].contact
    name = contact.name
    response = client.post(
        f"/agent/contacts/{contact.id}/edit",
        data={"name": "Evil\x00", "email": "", "phone": "", "language": "", "account": ""},
    )
    assert response.status_code == 400
    assert "control character (such as NUL)" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).name == name


def test_nul_in_a_query_string_is_400_and_in_a_path_404(client, login_as, desk):
    login_as(desk["agent"])
    response = client.get("/agent/search?q=printer%00")
    assert response.status_code == 400
    assert "The address contains a control character" in text_of(response)
    assert client.get("/agent/queues/1?x%00=1").status_code == 400
    assert client.get(f"/agent/cases/{desk['case'].number}%00").status_code == 404


def test_a_lone_surrogate_in_a_field_is_a_form_error(app):
    with app.test_request_context(method="POST"):
        form = ContactForm(
            formdata=MultiDict({"name": "Bad \ud800 name", "account": ""}), meta={"csrf": False}
        )
        assert not form.validate()
        assert "control character" in str(form.name.errors[0])


def test_text_the_database_cannot_store_never_reaches_it(app, db):
    """The last line, for any road a form does not guard: a 400, nothing written."""
    db.session.add(Account(name="Nul\x00Account"))
    with pytest.raises(UnstorableText):
        db.session.flush()
    db.session.rollback()
    assert count(db, Account) == 0


# --- item 6: fields missing from a submission ------------------------------------------------


def test_editing_a_contact_without_the_account_field_is_a_form_error(client, login_as, desk, db):
    login_as(desk["agent"])
    contact = desk["customer"].contact
    account_id = contact.account_id
    response = client.post(
        f"/agent/contacts/{contact.id}/edit",
        data={"name": "New Name", "email": contact.email, "phone": "", "language": ""},
    )
    assert response.status_code == 400
    assert "This field was missing from what was sent." in text_of(response)
    db.session.expire_all()
    saved = db.session.get(Contact, contact.id)
    assert (saved.name, saved.account_id) == (contact.name, account_id)


@pytest.mark.parametrize(
    "path,data",
    [
        ("/agent/accounts/{account}/edit", {"name": "Acme", "email_domain": "acme.example"}),
        ("/agent/contacts/{contact}/edit", {"account": "", "language": ""}),
        ("/profile", {"name": "Someone", "timezone": "UTC"}),
    ],
)
def test_a_field_missing_from_an_edit_is_a_form_error_not_an_exception(
    client, login_as, desk, path, data
):
    user = login_as(desk["supervisor"])
    contact = desk["customer"].contact
    url = path.format(account=contact.account_id, contact=contact.id, user=user.id)
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "This field was missing from what was sent." in text_of(response)


def test_a_field_missing_from_a_new_record_is_empty(client, login_as, desk, db):
    login_as(desk["agent"])
    response = client.post("/agent/contacts/new", data={"name": "Walk-in caller"})
    assert response.status_code == 302
    contact = db.session.scalars(sa.select(Contact).where(Contact.name == "Walk-in caller")).one()
    assert (contact.account_id, contact.email) == (None, None)


# --- item 7: time zones ----------------------------------------------------------------------


def test_profile_offers_a_picker_of_readable_time_zones(client, login_as, db):
    login_as(factories.make_user(Role.CUSTOMER))
    html = client.get("/profile").get_data(as_text=True)
    picker = re.search(r'<select[^>]*name="timezone".*?</select>', html, re.S).group(0)
    assert re.search(r'<option[^>]*value="Asia/Tehran"[^>]*>Iran — Tehran \(', picker)
    assert re.search(r'<option[^>]*selected[^>]*value="UTC"|value="UTC"[^>]*selected', picker)
    assert 'value="posixrules"' not in picker and 'value="right/UTC"' not in picker
    values = set(re.findall(r'value="([^"]+)"', picker))
    assert values == set(i18n.TIMEZONES)


def test_time_zone_labels_follow_the_reader_language(client, login_as, db):
    login_as(factories.make_user(Role.CUSTOMER, language="fa"))
    html = client.get("/profile").get_data(as_text=True)
    assert re.search(r'value="Asia/Tehran"[^>]*>ایران — تهران', html)


@pytest.mark.parametrize("zone", ["posixrules", "right/UTC", "Mars/Olympus", ""])
def test_a_zone_the_formatter_does_not_know_is_refused(client, login_as, db, zone):
    user = login_as(factories.make_user(Role.CUSTOMER))
    response = client.post("/profile", data={"name": user.name, "language": "en", "timezone": zone})
    assert response.status_code == 400
    assert "Choose a time zone from the list." in text_of(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).timezone == "UTC"


def test_a_picked_zone_is_saved_and_used(client, login_as, db):
    user = login_as(factories.make_user(Role.CUSTOMER))
    response = client.post(
        "/profile", data={"name": user.name, "language": "en", "timezone": "Asia/Tehran"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).timezone == "Asia/Tehran"


@pytest.mark.parametrize("stored", ["posixrules", "right/UTC", "Mars/Olympus"])
def test_a_user_whose_stored_zone_is_bad_still_gets_pages(client, login_as, desk, db, stored):
    agent, customer = desk["agent"], desk["customer"]
    agent.timezone = customer.timezone = stored
    db.session.commit()
    login_as(agent)
    assert client.get(f"/agent/cases/{desk['case'].number}").status_code == 200
    assert client.get(f"/agent/queues/{desk['queue'].id}").status_code == 200
    profile = client.get("/profile").get_data(as_text=True)
    assert re.search(r'<option[^>]*selected[^>]*value="UTC"|value="UTC"[^>]*selected', profile)
    client.post("/logout")
    login_as(customer)
    assert client.get("/my/cases").status_code == 200
    assert client.get(f"/my/cases/{desk['case'].number}").status_code == 200


def test_an_old_alias_a_user_has_is_kept(client, login_as, db):
    user = login_as(factories.make_user(Role.CUSTOMER, timezone="US/Eastern"))
    html = client.get("/profile").get_data(as_text=True)
    assert re.search(r'value="US/Eastern"[^>]*selected|selected[^>]*value="US/Eastern"', html)
    response = client.post(
        "/profile", data={"name": user.name, "language": "en", "timezone": "US/Eastern"}
    )
    assert response.status_code == 302


def test_every_zone_offered_formats_a_date():
    moment = datetime(2026, 3, 21, 12, 0, tzinfo=UTC)
    for zone in sorted(i18n.TIMEZONES):
        assert format_datetime(moment, "d MMM y HH:mm", tzinfo=ZoneInfo(zone), locale="fa")
        assert i18n.is_valid_timezone(zone)
    assert not i18n.is_valid_timezone("posixrules") and not i18n.is_valid_timezone("right/UTC")


# --- one way to read numbers, everywhere -----------------------------------------------------


def _all_form_classes():
    import portal

    for path in Path(portal.__file__).parent.rglob("*.py"):
        module = ".".join(
            path.relative_to(Path(portal.__file__).parent.parent).with_suffix("").parts
        )
        __import__(module)
    seen, todo = set(), [portal_forms.Form]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return seen


def test_every_form_reads_numbers_with_the_bounded_fields(app):
    for form_class in _all_form_classes():
        fields = inspect.getmembers(
            form_class, lambda member: isinstance(member, wtforms.fields.core.UnboundField)
        )
        for name, unbound in fields:
            field_class = unbound.field_class
            where = f"{form_class.__module__}.{form_class.__name__}.{name}"
            if issubclass(field_class, wtforms.IntegerField):
                assert issubclass(field_class, portal_forms.IntegerField), where
            if issubclass(field_class, wtforms.FloatField | wtforms.DecimalField):
                assert issubclass(field_class, portal_forms.NumberField), where
            assert unbound.kwargs.get("coerce") not in (int, float), where


def test_no_view_reads_a_number_from_the_request_by_itself():
    """Numbers from a query string go through `inputs.arg_int`, from a form through the fields
    above: `type=int` would turn ² into a 500 and 2^31 into a database error."""
    import portal

    root = Path(portal.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if re.search(r"args\.get\([^)]*type=int|int\(request\.", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
