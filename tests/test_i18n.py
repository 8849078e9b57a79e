"""Languages, right-to-left pages, Jalali dates, digits and complete catalogues."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.models import Role
from tests import factories

CATALOGUES = Path(__file__).resolve().parents[1] / "portal" / "translations"


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


@pytest.mark.parametrize(
    "language, direction, sign_in",
    [("en", "ltr", "Sign in"), ("fa", "rtl", "ورود"), ("ar", "rtl", "تسجيل الدخول")],
)
def test_login_page_in_each_language(client, language, direction, sign_in):
    client.post("/language", data={"language": language, "next": "/login"})
    response = client.get("/login")
    assert html_tag(response) == f'<html lang="{language}" dir="{direction}">'
    assert sign_in in response.get_data(as_text=True)
    rtl_css = "bootstrap.rtl.min.css" in response.get_data(as_text=True)
    assert rtl_css == (direction == "rtl")


def test_browser_language_is_used_before_any_choice(client):
    response = client.get("/login", headers={"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.5"})
    assert 'dir="rtl"' in html_tag(response)


def test_persian_home_shows_jalali_dates_with_persian_digits(client, login_as, db):
    agent = login_as(Role.AGENT)
    factories.make_case(
        subject="چاپگر کار نمی‌کند", updated_at=datetime(2026, 3, 21, 9, 30, tzinfo=UTC)
    )
    db.session.get(type(agent), agent.id).language = "fa"
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in page
    assert "۱ فروردین ۱۴۰۵، ۰۹:۳۰" in page  # Nowruz 1405 is 21 March 2026
    assert "چاپگر کار نمی‌کند" in page


def test_dates_follow_the_users_time_zone(client, login_as, db):
    agent = login_as(Role.AGENT)
    factories.make_case(updated_at=datetime(2026, 3, 21, 22, 0, tzinfo=UTC))
    user = db.session.get(type(agent), agent.id)
    user.language, user.timezone = "fa", "Asia/Tehran"
    db.session.commit()
    assert "۲ فروردین ۱۴۰۵، ۰۱:۳۰" in client.get("/").get_data(as_text=True)


def test_arabic_indic_digits_are_optional(app, client, login_as, db):
    agent = login_as(Role.AGENT)
    factories.make_case(updated_at=datetime(2026, 3, 21, 9, 30, tzinfo=UTC))
    db.session.get(type(agent), agent.id).language = "ar"
    db.session.commit()
    assert "٢٠٢٦" not in client.get("/").get_data(as_text=True)
    app.config["ARABIC_INDIC_DIGITS"] = True
    assert "٢٠٢٦" in client.get("/").get_data(as_text=True)


def test_language_choice_is_remembered_on_the_user(app, client, login_as, db):
    agent = login_as(Role.AGENT)
    client.post("/language", data={"language": "ar", "next": "/"})
    db.session.expire_all()
    assert db.session.get(type(agent), agent.id).language == "ar"
    other_device = app.test_client()
    login_as(agent, test_client=other_device)
    assert 'lang="ar"' in html_tag(other_device.get("/"))


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"language": "xx", "next": "/login"})
    assert 'lang="en"' in html_tag(client.get("/login", headers={"Accept-Language": "en"}))


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_catalogue_translates_every_message_with_its_placeholders(language):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    with open(CATALOGUES / "messages.pot", "rb") as handle:
        template = read_po(handle)
    missing = [
        m.id
        for m in template
        if m.id and (m.id not in catalogue or not all(_forms(catalogue[m.id].string)))
    ]
    assert missing == []
    for message in catalogue:
        if message.id:
            assert not message.fuzzy, message.id
            forms = _forms(message.string)
            for placeholder in set(re.findall(r"%\(\w+\)[sd]", " ".join(_forms(message.id)))):
                # The counted number may be left out of a singular form ("one case" in words).
                counted = placeholder[2:-2] in ("num", "count")
                for form in forms[-1:] if counted else forms:
                    assert placeholder in form, (message.id, message.string)


def _forms(value) -> list[str]:
    """A message's text, or each of its plural forms."""
    return [value] if isinstance(value, str) else list(value)


def test_catalogue_template_is_up_to_date(tmp_path):
    """Every translatable string in the code is in messages.pot (run pybabel extract if not)."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parents[1]
    method_map = [
        ("portal/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map=method_map, keywords=keywords
        )
    }
    with open(CATALOGUES / "messages.pot", "rb") as handle:
        known = {m.id for m in read_po(handle) if m.id}
    known = {k if isinstance(k, str) else k[0] for k in known}
    assert sorted(found - known) == []
