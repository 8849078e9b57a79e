"""Issue 12, item 14: names, addresses, case numbers and queue names inside sentences and
select options keep their own direction (`<bdi>` in HTML, Unicode isolates where tags are
not allowed: <option> text, flash messages, email subjects and plain-text emails), so a
right-to-left page never shows `Name <a@b.c` with the `>` at the wrong end."""

from __future__ import annotations

import html as html_module
import re

from portal.domain import cases
from portal.extensions import db
from portal.infra import outbox
from portal.models import CaseStatus, Macro, Role
from tests import factories
from tests.auth.helpers import link_in, mail_to

FSI, PDI, RLM = "\u2068", "\u2069", "\u200f"


def options(page: str, select_id: str) -> list[str]:
    """The texts of a select's options, as the browser gets them (entities decoded)."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert select, select_id
    texts = re.findall(r"<option[^>]*>(.*?)</option>", select.group(1), re.S)
    return [html_module.unescape(text) for text in texts]


def test_cc_options_isolate_the_name_and_the_address(client, login_as):
    factories.make_queue(1, is_default=True)
    account = factories.make_account()
    factories.make_contact(account, name="John Smith", email="john@acme.example")
    me = factories.make_user(Role.CUSTOMER, account=account, language="fa")
    db.session.commit()
    login_as(me)
    page = client.get("/my/cases/new").get_data(as_text=True)
    assert f"{FSI}John Smith{PDI} {FSI}<john@acme.example>{PDI}" in options(page, "cc")


def test_queue_and_macro_options_isolate_names(client, login_as):
    front = factories.make_queue(1, name="Front line")
    factories.make_queue(2, name="Specialists")
    agent = factories.make_user(Role.AGENT, max_tier=2, language="fa")
    agent.queues.append(front)
    case = factories.make_case(queue=front, status=CaseStatus.OPEN, assignee=agent)
    db.session.add(Macro(name="Greeting (short)", language="fa", body="سلام"))
    db.session.commit()
    login_as(agent)
    page = client.get(f"/agent/cases/{case.number}").get_data(as_text=True)
    assert f"{FSI}Front line{PDI} (۱)" in options(page, "queue")
    assert f"{FSI}Specialists{PDI} (۲)" in options(page, "escalate-to-queue")
    assert f"{FSI}Greeting (short){PDI} ({FSI}فارسی{PDI})" in options(page, "macro")


def test_flash_messages_isolate_names_and_case_numbers(client, smtp):
    client.post("/language", data={"language": "fa", "next": "/register"})
    client.post(
        "/register",
        data={
            "name": "John Smith (Acme)",
            "email": "john@example.org",
            "password": "a long enough passphrase",
            "confirm": "a long enough passphrase",
            "language": "fa",
        },
    )
    path = link_in(mail_to(smtp, "john@example.org")[0])
    response = client.post(
        path, data={"password": "a long enough passphrase"}, follow_redirects=True
    )
    assert f"{FSI}John Smith (Acme){PDI}" in response.get_data(as_text=True)


def test_sentences_wrap_names_and_numbers_in_bdi(client, login_as):
    login_as(factories.make_user(Role.AGENT, name="John (IT)", language="fa"))
    page = client.get("/").get_data(as_text=True)
    assert "<bdi>John (IT)</bdi>، خوش آمدید" in page  # "Welcome, John (IT)"


def test_email_subject_and_text_isolate_the_customers_words(app, smtp):
    requester = factories.make_contact(factories.make_account(), language="fa")
    case = factories.make_case(requester, subject="Printer broken (again)")
    agent = factories.make_user(Role.AGENT, name="John (IT)")
    db.session.flush()
    cases.add_reply(case, body="Fixed.", by=agent)
    db.session.commit()
    outbox.deliver()
    (message,) = smtp.wait_for(1)
    subject = message["Subject"]
    assert subject.startswith(RLM + f"[{case.number}]")  # laid out right to left
    assert f"{FSI}Printer broken (again){PDI}" in subject
    text = message.get_body(("plain",)).get_content()
    assert f"{FSI}John (IT){PDI}" in text and f"{FSI}{case.number}{PDI}" in text
    html = message.get_body(("html",)).get_content()
    assert "<bdi>John (IT)</bdi>" in html and f"<bdi>{case.number}</bdi>" in html


def test_contact_merge_blocker_isolates_both_addresses(client, login_as):
    account = factories.make_account()
    first = factories.make_user(Role.CUSTOMER, account=account, email="a@acme.example")
    second = factories.make_user(Role.CUSTOMER, account=account, email="b@acme.example")
    db.session.commit()
    login_as(factories.make_user(Role.SUPERVISOR, language="fa"))
    page = client.get(
        "/agent/contacts/merge",
        query_string={"survivor": first.contact_id, "duplicate": second.contact_id},
    ).get_data(as_text=True)
    assert f"{FSI}a@acme.example{PDI}" in page and f"{FSI}b@acme.example{PDI}" in page
