"""The customer portal: filing, following, replying, solving and reopening cases."""

from __future__ import annotations

import errno
import os
import re
from datetime import time, timedelta

import pytest
from freezegun import freeze_time

from portal.domain import cases
from portal.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseStatus,
    ContactRoleKind,
    EventKind,
    Priority,
    Role,
)
from portal.models._base import utcnow
from tests import factories
from tests.customer.helpers import file_tuple, new_case_data, png_bytes
from tests.reading import page_text

CANARY = "CANARY-internal-7f3a"


def case_count(db) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Case))


def file_case(client, **overrides):
    return client.post(
        "/my/cases/new", data=new_case_data(**overrides), content_type="multipart/form-data"
    )


@pytest.fixture
def customer(login_as, db):
    factories.make_queue(1, is_default=True)
    return login_as(factories.make_user(Role.CUSTOMER))


def test_customer_files_a_case_and_lands_on_its_page(client, customer, db):
    response = file_case(client)
    assert response.status_code == 302
    case = db.session.scalars(db.select(Case)).one()
    assert response.headers["Location"] == f"/my/cases/{case.number}"
    assert (case.channel, case.status, case.tier) == ("web", CaseStatus.NEW, 1)
    assert case.queue.is_default
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Printer driver crashes" in page and "<strong>invoices</strong>" in page


def test_case_received_email_carries_the_case_number(client, customer, db, smtp):
    file_case(client)
    case = db.session.scalars(db.select(Case)).one()
    message = smtp.wait_for(1)[0]
    assert message["To"] == customer.email
    assert message["Subject"].startswith(f"[{case.number}]")
    assert message.get_body(("plain",)).get_content().count(case.number) >= 1


def test_double_submitted_form_creates_one_case(client, customer, db):
    first = file_case(client, submission_key="same-key-123")
    second = file_case(client, submission_key="same-key-123")
    assert case_count(db) == 1
    assert first.headers["Location"] == second.headers["Location"]


def test_customer_cannot_set_fields_that_are_not_theirs(client, customer, db):
    agent = factories.make_user(Role.AGENT)
    other_queue = factories.make_queue(3)
    file_case(
        client, assignee_id=str(agent.id), queue_id=str(other_queue.id), status="closed", tier="3"
    )
    case = db.session.scalars(db.select(Case)).one()
    assert case.assignee_id is None and case.queue_id != other_queue.id
    assert case.status == CaseStatus.NEW and case.tier == 1


def test_urgent_only_with_an_entitlement_that_includes_it(client, login_as, db):
    factories.make_queue(1, is_default=True)
    basic = factories.make_user(Role.CUSTOMER, account=factories.make_account(entitlement="basic"))
    login_as(basic)
    response = file_case(client, priority="urgent")
    assert response.status_code == 400 and case_count(db) == 0
    assert 'value="Printer driver crashes"' in response.get_data(as_text=True)


def test_premium_customer_may_pick_urgent(client, login_as, db):
    factories.make_queue(1, is_default=True)
    login_as(
        factories.make_user(Role.CUSTOMER, account=factories.make_account(entitlement="premium"))
    )
    file_case(client, priority="urgent")
    assert db.session.scalars(db.select(Case)).one().priority == Priority.URGENT


def test_colleagues_can_be_copied_but_not_strangers(client, login_as, db):
    factories.make_queue(1, is_default=True)
    account = factories.make_account()
    me = factories.make_user(Role.CUSTOMER, account=account)
    colleague = factories.make_contact(account)
    stranger = factories.make_contact(factories.make_account())
    login_as(me)
    assert file_case(client, cc=[str(stranger.id)]).status_code == 400
    assert case_count(db) == 0
    assert file_case(client, cc=[str(colleague.id)]).status_code == 302
    case = db.session.scalars(db.select(Case)).one()
    cc = [role.contact_id for role in case.contact_roles if role.kind == ContactRoleKind.CC]
    assert cc == [colleague.id]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"subject": ""}, "This field is required."),
        ({"subject": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"description": ""}, "This field is required."),
    ],
)
def test_bad_fields_are_explained_and_input_kept(client, customer, db, overrides, message):
    response = file_case(
        client,
        description=overrides.get("description", "Keep this text"),
        **{k: v for k, v in overrides.items() if k != "description"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert case_count(db) == 0
    if "description" not in overrides:
        assert "Keep this text" in page


def test_attachment_is_stored_outside_static_and_served_as_a_download(app, client, customer, db):
    response = file_case(client, files=[file_tuple(png_bytes(), "screen shot.png")])
    assert response.status_code == 302
    attachment = db.session.scalars(db.select(Attachment)).one()
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.storage_name)
    stored = os.path.join(app.config["UPLOAD_DIR"], attachment.storage_name)
    assert os.path.isfile(stored) and "static" not in stored
    case = db.session.get(Case, attachment.case_id)
    download = client.get(f"/my/cases/{case.number}/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert download.data[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "data, name",
    [
        (b"<html><script>alert(1)</script></html>", "page.html"),
        (b"<html><script>alert(1)</script></html>", "innocent.png"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.svg"),
        (b"MZ\x90\x00\x03" + b"\x00" * 100, "setup.exe"),
        (b"", "empty.txt"),
    ],
)
def test_disallowed_files_are_refused_and_nothing_is_saved(app, client, customer, db, data, name):
    response = file_case(
        client, description="My careful description", files=[file_tuple(data, name)]
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "My careful description" in page
    assert case_count(db) == 0
    folder = app.config["UPLOAD_DIR"]
    assert not os.path.isdir(folder) or os.listdir(folder) == []


def test_one_bad_file_among_good_ones_saves_nothing(app, client, customer, db):
    files = [file_tuple(png_bytes(), "a.png"), file_tuple(b"<script>x</script>", "b.html")]
    assert file_case(client, files=files).status_code == 400
    assert case_count(db) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0
    folder = app.config["UPLOAD_DIR"]
    assert not os.path.isdir(folder) or os.listdir(folder) == []


def test_a_full_disk_answers_507_and_keeps_neither_case_nor_file(
    app, client, customer, db, monkeypatch
):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    real_open = open

    def full_disk(path, mode="r", *args, **kwargs):
        if "x" in mode:  # the attachment's temporary file
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", full_disk)
    files = [file_tuple(b"hello", "a.txt"), file_tuple(png_bytes(), "b.png")]
    response = file_case(client, files=files)
    monkeypatch.undo()
    assert response.status_code == 507
    assert case_count(db) == 0
    folder = app.config["UPLOAD_DIR"]
    assert not os.path.isdir(folder) or os.listdir(folder) == []


def test_oversize_file_and_too_many_files_are_refused(app, client, customer, db):
    app.config["MAX_FILE_BYTES"] = 1000
    response = file_case(client, files=[file_tuple(b"a" * 2000, "big.txt")])
    assert response.status_code == 400 and "larger than" in response.get_data(as_text=True)
    app.config["MAX_FILE_BYTES"] = 10_000
    app.config["MAX_FILES_PER_REQUEST"] = 2
    many = [file_tuple(b"hello", f"{n}.txt") for n in range(3)]
    response = file_case(client, files=many)
    assert response.status_code == 400 and "at most 2 files" in response.get_data(as_text=True)
    assert case_count(db) == 0


def test_file_names_are_sanitized_for_display(client, customer, db):
    file_case(client, files=[file_tuple(b"notes", "../../etc/\u202etxt.exe\u200b.txt")])
    attachment = db.session.scalars(db.select(Attachment)).one()
    assert attachment.display_name == "txt.exe.txt"


def test_exif_is_stripped_from_images(client, customer, db):
    import io

    from PIL import Image

    image = Image.new("RGB", (4, 4))
    exif = image.getexif()
    exif[0x8825] = {1: "N"}  # GPS block
    exif[0x010F] = "SecretCameraMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    file_case(client, files=[file_tuple(buffer.getvalue(), "photo.jpg")])
    attachment = db.session.scalars(db.select(Attachment)).one()
    case = db.session.get(Case, attachment.case_id)
    data = client.get(f"/my/cases/{case.number}/attachments/{attachment.id}").data
    assert b"SecretCameraMaker" not in data


def test_case_page_never_shows_internal_notes(client, customer, db):
    case = factories.make_case(customer.contact)
    agent = factories.make_user(Role.AGENT)
    factories.add_event(case, EventKind.INTERNAL_NOTE, body=f"{CANARY} do not tell", author=agent)
    factories.add_event(case, EventKind.PUBLIC_REPLY, body="We are on it", author=agent)
    page = client.get(f"/my/cases/{case.number}").get_data(as_text=True)
    assert "We are on it" in page
    assert CANARY not in page


def test_agent_reply_is_emailed_without_internal_notes(client, customer, db, smtp):
    case = factories.make_case(customer.contact)
    agent = factories.make_user(Role.AGENT, name="Ali Agent")
    cases.add_reply(case, body=f"{CANARY} internal", by=agent, internal=True)
    cases.add_reply(case, body="Please restart the print spooler.", by=agent)
    db.session.commit()
    from portal.infra import outbox

    outbox.deliver_committed()
    messages = smtp.wait_for(1)
    assert len(messages) == 1
    body = messages[0].get_body(("plain",)).get_content()
    assert "Please restart the print spooler." in body and "Ali Agent" in body
    assert CANARY not in messages[0].as_string()
    assert messages[0]["Subject"].startswith(f"[{case.number}]")


def test_customer_reply_with_a_file(client, customer, db):
    case = factories.make_case(customer.contact)
    response = client.post(
        f"/my/cases/{case.number}/reply",
        data={"body": "Here is a screenshot", "files": [file_tuple(png_bytes(), "shot.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    event = db.session.scalars(db.select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
    assert event.kind == EventKind.PUBLIC_REPLY and event.contact_id == customer.contact_id
    assert [a.display_name for a in event.attachments] == ["shot.png"]


def test_empty_reply_is_refused(client, customer, db):
    case = factories.make_case(customer.contact)
    response = client.post(f"/my/cases/{case.number}/reply", data={"body": "  "})
    assert response.status_code == 400 and "This field is required." in response.get_data(
        as_text=True
    )


def test_solve_then_reopen_within_the_window(client, customer, db, smtp):
    case = factories.make_case(customer.contact, status=CaseStatus.OPEN)
    assert client.post(f"/my/cases/{case.number}/solve").status_code == 302
    db.session.refresh(case)
    assert case.status == CaseStatus.RESOLVED and case.resolved_at is not None
    assert client.post(f"/my/cases/{case.number}/reopen").status_code == 302
    db.session.refresh(case)
    assert case.status == CaseStatus.OPEN and case.resolved_at is None
    subjects = [m["Subject"] for m in smtp.wait_for(2)]
    assert any("Resolved" in s for s in subjects) and any("Reopened" in s for s in subjects)


def test_reply_to_a_resolved_case_reopens_it(client, customer, db):
    case = factories.make_case(customer.contact, status=CaseStatus.RESOLVED, resolved_at=utcnow())
    client.post(f"/my/cases/{case.number}/reply", data={"body": "It broke again"})
    db.session.refresh(case)
    assert case.status == CaseStatus.OPEN


def test_after_the_window_a_follow_up_case_is_offered(app, client, customer, db):
    resolved_at = utcnow() - timedelta(days=app.config["REOPEN_WINDOW_DAYS"] + 1)
    case = factories.make_case(
        customer.contact, status=CaseStatus.RESOLVED, resolved_at=resolved_at
    )
    response = client.post(f"/my/cases/{case.number}/reopen")
    assert response.headers["Location"] == f"/my/cases/new?follow_up={case.number}"
    db.session.refresh(case)
    assert case.status == CaseStatus.RESOLVED
    page = client.get(f"/my/cases/{case.number}").get_data(as_text=True)
    assert "Open a follow-up case" in page
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"follows up on {case.number}" in page_text(form)


def test_closed_case_cannot_be_replied_to(client, customer, db):
    case = factories.make_case(customer.contact, status=CaseStatus.CLOSED)
    assert client.post(f"/my/cases/{case.number}/reply", data={"body": "hello?"}).status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(CaseEvent)) == 0


def test_sla_promise_is_shown_in_plain_words(client, customer, db):
    due = utcnow() + timedelta(hours=4)
    case = factories.make_case(customer.contact, first_response_due_at=due)
    assert "We will reply by" in client.get(f"/my/cases/{case.number}").get_data(as_text=True)


def test_list_filters_sorts_and_pages(client, customer, db):
    for n in range(25):
        factories.make_case(
            customer.contact, subject=f"Case {n:02d}", updated_at=utcnow() - timedelta(hours=n)
        )
    factories.make_case(customer.contact, subject="Solved one", status=CaseStatus.RESOLVED)
    page_one = client.get("/my/cases?status=open").get_data(as_text=True)
    assert "Case 00" in page_one and "Case 19" in page_one and "Case 20" not in page_one
    assert "Solved one" not in page_one
    page_two = client.get("/my/cases?status=open&page=2").get_data(as_text=True)
    assert "Case 24" in page_two
    oldest = client.get("/my/cases?status=open&sort=oldest").get_data(as_text=True)
    assert oldest.index("Case 24") < oldest.index("Case 23")


@pytest.mark.parametrize("query", ["status=bogus", "sort=drop", "page=0", "scope=everyone"])
def test_bad_list_parameters_are_a_400(client, customer, query):
    assert client.get(f"/my/cases?{query}").status_code in (400, 404)


def test_xss_in_subject_and_body_is_inert(client, customer, db):
    payload = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    file_case(client, subject=payload, description=f"[click](javascript:alert(3)) {payload}")
    case = db.session.scalars(db.select(Case)).one()
    page = client.get(f"/my/cases/{case.number}").get_data(as_text=True)
    assert "<img src=x" not in page and "<script>alert(2)" not in page
    assert "javascript:alert(3)" not in page.replace("[click](javascript:alert(3))", "")


def test_case_list_and_case_page_run_a_fixed_number_of_queries(client, customer, db, count_queries):
    agent = factories.make_user(Role.AGENT)

    def build(n):
        for _ in range(n):
            case = factories.make_case(customer.contact)
            for _ in range(n):
                event = factories.add_event(case, body="reply", author=agent)
                db.session.add(
                    Attachment(
                        case_id=case.id,
                        event=event,
                        storage_name=os.urandom(16).hex(),
                        display_name="f.txt",
                        content_type="text/plain",
                        size_bytes=1,
                        sha256="0",
                    )
                )
        return case

    small = build(2)
    db.session.commit()
    with count_queries() as few_list:
        client.get("/my/cases")
    with count_queries() as few_case:
        client.get(f"/my/cases/{small.number}")
    big = build(12)
    db.session.commit()
    with count_queries() as many_list:
        client.get("/my/cases")
    with count_queries() as many_case:
        page = client.get(f"/my/cases/{big.number}").get_data(as_text=True)
    assert page.count("f.txt") >= 12
    assert len(many_list) == len(few_list)
    assert len(many_case) == len(few_case)


def test_freeze_time_is_available_for_reopen_window(client, customer, db):
    case = factories.make_case(customer.contact, status=CaseStatus.OPEN)
    client.post(f"/my/cases/{case.number}/solve")
    with freeze_time(utcnow() + timedelta(days=15)):
        assert not cases.can_reopen(db.session.get(Case, case.id))


def test_customers_who_turned_emails_off_get_none(client, customer, db, smtp):
    db.session.get(type(customer), customer.id).notify_by_email = False
    db.session.commit()
    file_case(client)
    assert smtp.wait_for(1, timeout=0.5) == []


def test_emails_follow_the_customers_language_right_to_left(client, customer, db, smtp):
    db.session.get(type(customer), customer.id).language = "fa"
    db.session.commit()
    file_case(client)
    message = smtp.wait_for(1)[0]
    html = message.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and 'lang="fa"' in html
    assert message.get_body(("plain",)) is not None


def test_copied_colleagues_receive_the_emails_too(client, login_as, db, smtp):
    factories.make_queue(1, is_default=True)
    account = factories.make_account()
    me = factories.make_user(Role.CUSTOMER, account=account)
    colleague = factories.make_contact(account)
    login_as(me)
    file_case(client, cc=[str(colleague.id)])
    assert sorted(m["To"] for m in smtp.wait_for(2)) == sorted([me.email, colleague.email])


def test_sla_due_times_come_from_the_accounts_entitlement(client, login_as, db):
    factories.make_queue(1, is_default=True)
    calendar = factories.make_calendar(
        weekdays="1234567", opens_at=time(0, 0), closes_at=time(0, 0)
    )
    factories.make_policy(
        calendar,
        entitlement="premium",
        priority=Priority.HIGH,
        first_response_minutes=60,
        resolution_minutes=480,
    )
    login_as(
        factories.make_user(Role.CUSTOMER, account=factories.make_account(entitlement="premium"))
    )
    file_case(client, priority="high")
    case = db.session.scalars(db.select(Case)).one()
    assert case.first_response_due_at - case.created_at == timedelta(minutes=60)
    assert case.resolution_due_at - case.created_at == timedelta(minutes=480)


def test_home_prompts_to_rate_resolved_cases(client, customer, db):
    from portal.domain.voc import surveys

    case = factories.make_case(customer.contact, status=CaseStatus.RESOLVED, resolved_at=utcnow())
    surveys.send_csat(case)
    db.session.commit()
    page = client.get("/my").get_data(as_text=True)
    assert "waiting for your rating" in page and "/feedback/mine" in page
