"""Every page renders clean markup, for every role and language, with hostile data.

The pages come from `app.url_map` (GET routes; one sample value for each URL argument), so a
new page is checked without touching this file. Names and subjects hold `"><b>`, `&` and
quotes: they must show as typed, and nothing of a tag or of template syntax may leak.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from jinja2 import nodes

from portal.domain import cases, escalations, voc
from portal.domain.cases import macros
from portal.domain.identity import logins
from portal.domain.voc import surveys
from portal.extensions import db as _db
from portal.i18n import day_example
from portal.models import (
    Account,
    CaseStatus,
    Contact,
    FeedbackKind,
    PasswordResetToken,
    Queue,
    User,
)
from portal.models._base import utcnow
from tests import factories
from tests.markup import PageReader, page_problems, visible_text

HOSTILE = "\"><b>bold</b> & 'quoted'"
RESET_TOKEN = "markup-test-reset-token-0123456789abcdefghijkl"
LANGUAGES = ("en", "fa", "ar")
PAGE_LANGUAGES = ("en", "fa")  # every page; the search hint (below) is checked in all three
ROLES = {
    None: None,
    "customer": "customer@example.com",
    "agent": "agent@example.com",
    "supervisor": "supervisor@example.com",
    "admin": "admin@example.com",
}
# Routes that serve files, not pages.
NOT_PAGES = {"static", "agent.attachment", "customer.attachment"}
# Query strings that some pages need, and further states of a page worth a look.
QUERIES = {"agent.contact_merge": "survivor={contact_id}&duplicate={other_contact_id}"}
MORE_PAGES = [
    "/agent/search?q=jam",
    "/agent/search?q=" + quote(HOSTILE),
    "/my/search?q=jam",
    "/my/search?q=" + quote(HOSTILE),
    "/my/cases?scope=company&status=all",
    "/agent/queues/{queue_id}?status=new",
    "/supervisor/reports?group=week",
    "/agent/accounts?q=" + quote(HOSTILE),
]


def sign_in(app: Flask, email: str | None, language: str):
    client = app.test_client()
    if email is None:
        client.post("/language", data={"language": language, "next": "/login"})
        return client
    _db.session.execute(_db.update(User).where(User.email == email).values(language=language))
    response = client.post("/login", data={"email": email, "password": "casework-demo"})
    assert response.status_code == 302, email
    return client


@pytest.fixture
def world(app, db):
    """The demo data, plus a case, contact, account, feedback item, goal, macro and
    escalation whose names and texts are hostile; returns the sample URL arguments."""
    result = app.test_cli_runner().invoke(args=["seed-demo", "--cases", "30"])
    assert result.exit_code == 0, result.output
    staff = {u.email: u for u in db.session.scalars(db.select(User))}
    customer = staff["customer@example.com"].contact
    supervisor = staff["supervisor@example.com"]
    agent = staff["agent@example.com"]
    acme = customer.account
    front = db.session.scalar(db.select(Queue).where(Queue.name == "Front line"))
    account = Account(name="Initech " + HOSTILE, email_domain="initech.example")
    db.session.add(account)
    hostile_contact = Contact(name="Dana " + HOSTILE, email="dana@acme.example", account=acme)
    db.session.add(hostile_contact)
    db.session.flush()
    case = cases.open_case(
        requester=customer,
        subject="Jam " + HOSTILE,
        description="First line " + HOSTILE + "\nSecond line <script>alert(1)</script>",
        by=customer.user,
    )
    case.queue, case.tier = front, 1  # in the front line, where the demo agent works
    cases.add_reply(case, body="Reply " + HOSTILE, uploads=[], by=agent)
    cases.add_reply(case, body="Note " + HOSTILE, uploads=[], internal=True, by=agent)
    climbing = cases.open_case(
        requester=customer, subject="Climb " + HOSTILE, description="Up.", by=customer.user
    )
    climbing.queue, climbing.tier = front, 1
    db.session.flush()
    escalations.escalate(
        climbing,
        by=agent,
        reason="Reason " + HOSTILE,
        handoff_note="Line one " + HOSTILE + "\nLine two",
        version=climbing.version,
    )
    item = voc.create_item(
        customer,
        kind=FeedbackKind.COMPLAINT,
        summary="Summary " + HOSTILE,
        detail="Detail " + HOSTILE,
        case=case,
        by=customer.user,
    )
    voc.create_theme("Theme " + HOSTILE, by=supervisor)
    macro = macros.save(
        None,
        name="Macro " + HOSTILE,
        language="en",
        body="Hello " + HOSTILE,
        is_active=True,
        by=supervisor,
    )
    goal = factories.make_goal(name="Goal " + HOSTILE, created_by_id=supervisor.id)
    db.session.add(
        PasswordResetToken(
            user=customer.user,
            token_hash=logins.hash_token(RESET_TOKEN),
            expires_at=utcnow() + timedelta(hours=1),
        )
    )
    solved = cases.open_case(
        requester=customer, subject="Solved " + HOSTILE, description="Done.", by=customer.user
    )
    solved.status, solved.resolved_at = CaseStatus.RESOLVED, utcnow()
    invitation = surveys.send_csat(solved)
    surveys.record_rating(invitation, 2)
    surveys.add_comment(invitation, "Comment " + HOSTILE)
    other_contact = db.session.scalar(
        db.select(Contact).where(Contact.account_id == acme.id, Contact.id != hostile_contact.id)
    )
    db.session.commit()
    return {
        "number": case.number,
        "queue_id": front.id,
        "account_id": account.id,
        "contact_id": hostile_contact.id,
        "other_contact_id": other_contact.id,
        "macro_id": macro.id,
        "item_id": item.id,
        "goal_id": goal.id,
        "survey_token": surveys.make_token(invitation),
        "reset_token": RESET_TOKEN,
    }


def page_urls(app: Flask, world: dict) -> dict[str, str]:
    """One URL per GET route (endpoint -> URL), plus MORE_PAGES (URL -> URL)."""
    urls = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        values = {}
        for name in rule.arguments - set(rule.defaults or {}):
            if name == "token":
                key = "reset_token" if rule.endpoint.startswith("auth.") else "survey_token"
            else:
                key = name
            assert key in world, f"add a sample value for <{name}> of {rule.rule} to `world`"
            values[name] = world[key]
        url = rule.build(values, append_unknown=False)[1]
        query = QUERIES.get(rule.endpoint)
        urls[rule.endpoint] = url + ("?" + query.format(**world) if query else "")
    for extra in MORE_PAGES:
        url = extra.format(**world)
        urls[url] = url
    return urls


def test_every_page_renders_clean_markup_for_every_role_and_language(app, world):
    urls = page_urls(app, world)
    opened: set[str] = set()
    problems: list[str] = []
    for role, email in ROLES.items():
        for language in PAGE_LANGUAGES:
            client = sign_in(app, email, language)
            for key, url in urls.items():
                response = client.get(url)
                assert response.status_code < 500, (role, language, url)
                if response.status_code < 400:
                    opened.add(key)  # a page, a download or a redirect to one
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                reader = "customer" if role == "customer" else "staff" if role else ""
                for problem in page_problems(
                    response.get_data(as_text=True), allowed=(HOSTILE,), reader_role=reader
                ):
                    problems.append(f"{role or 'anonymous'} {language} {url}: {problem}")
    assert not problems, "\n".join(sorted(set(problems)))
    assert not set(urls) - opened, f"pages no role could open: {sorted(set(urls) - opened)}"


def test_home_rows_link_to_their_cases_and_names_show_as_typed(app, world):
    """Each row of the home page links its case number; the escaping is real: the hostile
    subject shows with its quote and angle brackets as text, on the lists and the case."""
    client = sign_in(app, "agent@example.com", "en")
    html = client.get("/").get_data(as_text=True)
    numbers = set(re.findall(r"CS-\d{6}", visible_text(html)))
    linked = set(re.findall(r'<a class="case-number" href="/agent/cases/(CS-\d{6})"', html))
    assert world["number"] in numbers and numbers <= linked
    for url in ("/", f"/agent/queues/{world['queue_id']}", f"/agent/cases/{world['number']}"):
        assert "Jam " + HOSTILE in visible_text(client.get(url).get_data(as_text=True)), url


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "role,url,hint",
    [
        (
            "agent",
            "/agent/search",
            'Words, "phrases", status:open, priority:urgent, assignee:me, created:>%(day)s',
        ),
        ("customer", "/my/search", 'Words or "a phrase" from your cases'),
    ],
)
def test_search_box_placeholder_holds_the_whole_hint(
    app, login_as, client, language, role, url, hint
):
    """The hint has quotes and `>`: it stays whole inside the placeholder, and nothing of it
    is printed beside the box (it once showed "Words," and then `2026-01-01">`)."""
    login_as(role).language = language
    html = client.get(url).get_data(as_text=True)
    with app.test_request_context(), force_locale(language):
        translated = gettext(hint, day=day_example()) if "%(day)s" in hint else gettext(hint)
    box = re.search(r'<input[^>]*id="q"[^>]*>(.*?)<button', html, re.S)
    reader = PageReader()
    reader.feed(box.group(0))
    assert reader.problems == [] and reader.placeholders == [translated]
    assert box.group(1).strip() == ""
    assert page_problems(html) == []


# --- names in templates -----------------------------------------------------------------------


def _template_globals(app: Flask) -> set[str]:
    """Every name a template gets without asking: Jinja globals and context processors."""
    names = set(app.jinja_env.globals)
    with app.test_request_context():
        for processors in app.template_context_processors.values():
            for processor in processors:
                names |= set(processor())
    return names


def _names_bound(template: nodes.Template) -> list[tuple[str, str, int]]:
    """(name, how, line) for every name a template binds: macros and their parameters,
    `set`, `for`, `import ... as` and `from ... import`."""
    bound = []
    for node in template.find_all((nodes.Macro, nodes.CallBlock)):
        if isinstance(node, nodes.Macro):
            bound.append((node.name, "macro", node.lineno))
        bound += [(arg.name, "parameter", node.lineno) for arg in node.args]
    for node in template.find_all((nodes.Assign, nodes.AssignBlock, nodes.For)):
        target = node.target
        names = [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))
        bound += [(name.name, type(node).__name__.lower(), node.lineno) for name in names]
    for node in template.find_all(nodes.FromImport):
        for entry in node.names:
            bound.append((entry[1] if isinstance(entry, tuple) else entry, "import", node.lineno))
    for node in template.find_all(nodes.Import):
        bound.append((node.target, "import", node.lineno))
    return bound


def test_no_template_name_shadows_a_global_helper(app):
    """`{% from "supervisor/_goals.html" import status_badge %}` once replaced the global
    `status_badge(status)` on the home page, which then printed `">Open`: no macro, macro
    parameter, `set`, loop variable or import may take the name of a global helper."""
    helpers = _template_globals(app)
    clashes = []
    for name in app.jinja_env.list_templates(extensions=("html", "txt")):
        source = app.jinja_env.loader.get_source(app.jinja_env, name)[0]
        for bound, how, line in _names_bound(app.jinja_env.parse(source)):
            if bound in helpers:
                clashes.append(f"{name}:{line}: {how} {bound!r} shadows a global helper")
    assert not clashes, "\n".join(clashes)


# --- the Content-Security-Policy ----------------------------------------------------------------

INLINE = re.compile(
    r"""\sstyle\s*=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+\s*=|javascript:""", re.I
)


def test_templates_have_no_inline_style_or_script():
    """The CSP (`style-src 'self'; script-src 'self'`) silently drops inline styles and
    scripts: hand-off notes lost their line breaks to a refused `style=`. Pages use classes
    of static/css/app.css and files under static/js; emails (not under the CSP, and read by
    mail clients that need inline styles) are left out."""
    root = Path(__file__).resolve().parents[1] / "templates"
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()[:120]}"
        for path in sorted(root.rglob("*.html"))
        if "email" not in path.relative_to(root).parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE.search(line)
    ]
    assert found == []
