"""CSAT: resolve -> email at a real SMTP server -> open the link -> rate -> comment; and every
way a link can be bad: tampered, expired, reused after the change window, another case's."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from freezegun import freeze_time

from portal.domain.voc import surveys
from portal.models import Feedback, FeedbackKind, FeedbackStatus, Sentiment, SurveyInvitation
from portal.models._base import utcnow
from tests import factories
from tests.feedback.conftest import links_in, path_of, resolve_and_survey
from tests.reading import as_read, page_text


def chosen(html: str) -> str | None:
    """The pre-selected rating of a survey page."""
    for tag in re.findall(r"<input[^>]*>", html):
        if 'name="score"' in tag and " checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def answers(db, case=None):
    query = sa.select(Feedback).where(Feedback.kind == FeedbackKind.CSAT)
    if case is not None:
        query = query.where(Feedback.case_id == case.id)
    return db.session.scalars(query).all()


def test_full_csat_loop_from_resolution_to_comment(client, db, smtp, world):
    resolve_and_survey(world.case, world.agent)

    messages = [m for m in smtp.wait_for(2) if "How did we do?" in m["Subject"]]
    assert len(messages) == 1
    mail = messages[0]
    assert mail["To"] == world.customer.contact.email
    assert world.case.number in mail["Subject"]
    text = as_read(mail.get_body(("plain",)).get_content())
    assert f"How satisfied are you with how we handled {world.case.number}?" in text
    links = links_in(mail)
    assert [link.rsplit("=", 1)[1] for link in links] == ["1", "2", "3", "4", "5"]
    assert all(link.startswith("http://casework.test/feedback/s/") for link in links)
    assert 'href="http://casework.test/feedback/s/' in mail.get_body(("html",)).get_content()

    page = client.get(path_of(links[3]))  # the "4" link
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"How satisfied are you with how we handled {world.case.number}?" in page_text(html)
    assert chosen(html) == "4"
    assert answers(db) == []  # opening a link (or a mail scanner fetching it) stores nothing

    response = client.post(path_of(links[3]).split("?")[0], data={"score": "4"})
    assert response.status_code == 302 and "/thanks" in response.headers["Location"]
    [answer] = answers(db)
    assert (answer.score, answer.sentiment, answer.status) == (
        4,
        Sentiment.POSITIVE,
        FeedbackStatus.CLOSED,
    )
    assert answer.case_id == world.case.id
    assert answer.contact_id == world.customer.contact_id
    assert answer.account_id == world.account.id
    assert (answer.agent_id, answer.queue_id, answer.tier) == (world.agent.id, world.queue.id, 1)

    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200
    assert "Thank you for your feedback!" in thanks.get_data(as_text=True)

    token_path = path_of(links[3]).split("?")[0]
    comment = "Quick and kind \u202ethanks\u202c <script>alert(1)</script>" + "x" * 3000
    saved = client.post(f"{token_path}/comment", data={"comment": comment})
    assert saved.status_code == 400  # longer than 2000 characters: refused, nothing saved
    saved = client.post(f"{token_path}/comment", data={"comment": comment[:1900]})
    assert saved.status_code == 302
    db.session.expire_all()
    [answer] = answers(db)
    assert answer.detail.startswith("Quick and kind thanks <script>")  # bidi overrides dropped
    assert "\u202e" not in answer.detail
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "Your comment is saved." in page


def test_opening_the_link_never_records_and_post_needs_a_csrf_token(client, db, world):
    invitation = resolve_and_survey(world.case, world.agent)
    url = f"/feedback/s/{surveys.make_token(invitation)}"
    for score in range(1, 6):
        assert client.get(f"{url}?score={score}").status_code == 200
    assert client.post(url, data={"score": "5"}, csrf=False).status_code == 400
    assert answers(db) == []


def test_tampered_link_gets_a_friendly_page_and_changes_nothing(client, db, world):
    invitation = resolve_and_survey(world.case, world.agent)
    token = surveys.make_token(invitation)
    bad = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for url in (f"/feedback/s/{bad}", f"/feedback/s/{bad}/thanks", "/feedback/s/x"):
        page = client.get(url)
        assert page.status_code == 400
        assert "This link does not work" in page.get_data(as_text=True)
    assert client.post(f"/feedback/s/{bad}", data={"score": "1"}).status_code == 400
    assert client.post(f"/feedback/s/{bad}/comment", data={"comment": "x"}).status_code == 400
    assert answers(db) == []


def test_link_signed_with_another_key_is_refused(app, client, db, world):
    invitation = resolve_and_survey(world.case, world.agent)
    key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "someone-elses-key"
    forged = surveys.make_token(invitation)
    app.config["SECRET_KEY"] = key
    assert client.post(f"/feedback/s/{forged}", data={"score": "1"}).status_code == 400
    assert answers(db) == []


def test_a_link_can_only_rate_its_own_case(client, db, world):
    other_case = factories.make_case(world.customer.contact, queue=world.queue)
    first = resolve_and_survey(world.case, world.agent)
    second = resolve_and_survey(other_case, world.agent)
    # A form field naming another case is ignored: the token decides.
    response = client.post(
        f"/feedback/s/{surveys.make_token(first)}",
        data={"score": "2", "case_id": str(other_case.id), "case": other_case.number},
    )
    assert response.status_code == 302
    assert [a.case_id for a in answers(db)] == [world.case.id]
    # A validly signed token whose case does not match its nonce's survey is refused.
    mixed = surveys._serializer().dumps(
        {"k": "csat", "c": other_case.id, "p": first.contact_id, "n": first.nonce}
    )
    assert client.post(f"/feedback/s/{mixed}", data={"score": "5"}).status_code == 400
    assert answers(db, other_case) == []
    assert second.nonce != first.nonce


def test_expired_link_gets_410_and_changes_nothing(client, db, world):
    invitation = resolve_and_survey(world.case, world.agent)
    url = f"/feedback/s/{surveys.make_token(invitation)}"
    with freeze_time(utcnow() + timedelta(days=30, minutes=1)):
        page = client.get(url)
        assert page.status_code == 410
        assert "This survey has closed" in page.get_data(as_text=True)
        assert client.post(url, data={"score": "5"}).status_code == 410
    assert answers(db) == []


def test_link_lifetime_is_configurable(app, client, db, world):
    app.config["SURVEY_LINK_DAYS"] = 3
    invitation = resolve_and_survey(world.case, world.agent)
    assert invitation.expires_at - invitation.sent_at == timedelta(days=3)
    with freeze_time(utcnow() + timedelta(days=3, minutes=1)):
        assert client.get(f"/feedback/s/{surveys.make_token(invitation)}").status_code == 410


def test_rating_may_change_for_seven_days_then_is_locked(client, db, world):
    invitation = resolve_and_survey(world.case, world.agent)
    url = f"/feedback/s/{surveys.make_token(invitation)}"
    start = utcnow()
    assert client.post(url, data={"score": "3"}).status_code == 302
    with freeze_time(start + timedelta(days=6)):
        page = client.get(url).get_data(as_text=True)
        assert "You can change your rating until" in page and chosen(page) == "3"
        assert client.post(url, data={"score": "5"}).status_code == 302
    with freeze_time(start + timedelta(days=7, minutes=1)):
        locked = client.get(url)
        assert locked.status_code == 410
        assert "Your rating is final" in locked.get_data(as_text=True)
        assert client.post(url, data={"score": "1"}).status_code == 410
        assert client.post(f"{url}/comment", data={"comment": "late"}).status_code == 410
    db.session.expire_all()
    [answer] = answers(db)
    assert (answer.score, answer.detail) == (5, "")  # one row, changed once, then kept
    assert db.session.get(SurveyInvitation, invitation.id).answered_at is not None


def test_score_outside_the_scale_is_refused(client, db, world):
    invitation = resolve_and_survey(world.case, world.agent)
    url = f"/feedback/s/{surveys.make_token(invitation)}"
    for score in ("0", "6", "x", ""):
        assert client.post(url, data={"score": score}).status_code == 400
    page = client.get(f"{url}?score=99")
    assert page.status_code == 200 and chosen(page.get_data(as_text=True)) is None
    assert answers(db) == []


def test_one_survey_per_case_even_if_resolved_again(db, smtp, world):
    from portal.domain import cases
    from portal.models import CaseStatus

    first = resolve_and_survey(world.case, world.agent)
    cases.change_status(world.case, CaseStatus.OPEN, by=world.agent)
    second = resolve_and_survey(world.case, world.agent)
    assert first.id == second.id
    assert db.session.scalar(sa.select(sa.func.count(SurveyInvitation.id))) == 1
    assert len([m for m in smtp.wait_for(1) if "How did we do?" in m["Subject"]]) == 1


def test_sending_twice_in_one_transaction_sends_once(db, smtp, world):
    """The resolve hook and an explicit call may both run before the commit."""
    from portal.domain import cases
    from portal.infra import outbox
    from portal.models import CaseStatus

    cases.change_status(world.case, CaseStatus.RESOLVED, by=world.agent)
    first, second = surveys.send_csat(world.case), surveys.send_csat(world.case)
    db.session.commit()
    outbox.deliver_committed()
    assert first is second
    assert len([m for m in smtp.wait_for(1) if "How did we do?" in m["Subject"]]) == 1


def test_customer_without_email_notifications_finds_the_survey_in_the_portal(
    client, db, login_as, smtp, world
):
    world.customer.notify_by_email = False
    invitation = resolve_and_survey(world.case, world.agent)
    assert invitation is not None and not invitation.is_emailed
    assert not [m for m in smtp.wait_for(1, timeout=0.5) if "How did we do?" in m["Subject"]]
    login_as(world.customer)
    page = client.get("/feedback/mine").get_data(as_text=True)
    assert "Waiting for your rating" in page
    assert f"/feedback/s/{surveys.make_token(invitation)[:20]}" in page


def test_survey_page_speaks_the_contacts_language(client, db, world):
    world.customer.language = "fa"
    invitation = resolve_and_survey(world.case, world.agent)
    page = client.get(f"/feedback/s/{surveys.make_token(invitation)}?score=5")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'lang="fa" dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html


def test_unresolved_or_requesterless_cases_get_no_survey(db, world):
    assert surveys.send_csat(world.case) is None  # still open
    orphan = factories.make_case(world.customer.contact, queue=world.queue)
    orphan.requester = None
    from portal.models import CaseStatus

    orphan.status = CaseStatus.RESOLVED
    assert surveys.send_csat(orphan) is None


def test_survey_endpoints_are_rate_limited(test_settings, db, world):
    """RL-03: one address opening survey links in a loop gets 429 after 30 a minute."""
    from portal import create_app, feedback
    from tests.conftest import CsrfClient

    invitation = resolve_and_survey(world.case, world.agent)
    url = f"/feedback/s/{surveys.make_token(invitation)}"
    db.session.commit()  # end the read transaction: SQLite begins every one IMMEDIATE
    limited = create_app({**test_settings, "RATELIMIT_ENABLED": True})
    if "feedback" not in limited.blueprints:  # until create_app registers it
        limited.register_blueprint(feedback.bp)
    limited.test_client_class = CsrfClient
    with limited.app_context():
        statuses = [limited.test_client().get(url).status_code for _ in range(32)]
    assert statuses[:30] == [200] * 30
    assert statuses[30:] == [429, 429]


def test_two_first_ratings_at_once_make_one_answer(app, db, world):
    """Both requests see an unanswered survey; the row lock makes the second a change."""
    import threading

    invitation = resolve_and_survey(world.case, world.agent)
    token = surveys.make_token(invitation)
    db.session.commit()
    barrier, errors = threading.Barrier(2), []

    def rate(score: int) -> None:
        with app.app_context():
            try:
                found = surveys.open_link(token)
                assert surveys.answer_of(found) is None
                db.session.commit()  # both have seen "no answer yet"
                barrier.wait(timeout=5)
                surveys.record_rating(found, score)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=rate, args=(score,)) for score in (2, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert errors == []
    db.session.expire_all()
    [answer] = answers(db)
    assert answer.score in (2, 4)
    assert db.session.get(SurveyInvitation, invitation.id).feedback_id == answer.id
