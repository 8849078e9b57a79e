"""Outgoing email: rendered in the recipient's language, queued in the outbox, sent by SMTP.

In development (no MAIL_SERVER) messages are written to the log instead of sent.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale

from portal.i18n import LANGUAGES, text_direction
from portal.infra import outbox

log = logging.getLogger("casework.mail")
EMAIL_KIND = "email"
# Account emails (address links, "an account already exists", resets) leave once the answer has
# been sent, so that whether an address has a login never shows in the answer's timing.
ACCOUNT_EMAIL_KIND = "email.account"
RIGHT_TO_LEFT_MARK = "\u200f"


def _one_line(value: str) -> str:
    """Header values never carry line breaks (no header injection)."""
    return " ".join(str(value).split())


def send_template(
    template: str, *, to: str, language: str | None, after_response: bool = False, **context
) -> None:
    """Render email/<template>.{subject.txt,txt,html} in the recipient's language; queue it
    (`after_response`: to leave only once the current request has been answered)."""
    language = language if language in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        context.update(language=language, direction=text_direction(language))
        subject = render_template(f"email/{template}.subject.txt", **context)
        if context["direction"] == "rtl":
            # A subject that starts with `[CS-000123]` would be laid out left to right.
            subject = RIGHT_TO_LEFT_MARK + subject
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", **context)
    send(to=to, subject=subject, text=text, html=html, after_response=after_response)


def send(
    *, to: str, subject: str, text: str, html: str | None = None, after_response: bool = False
) -> None:
    """Queue one message; it is sent after the current transaction commits."""
    outbox.enqueue(
        ACCOUNT_EMAIL_KIND if after_response else EMAIL_KIND,
        {"to": _one_line(to), "subject": _one_line(subject), "text": text, "html": html},
    )


def build_message(payload: dict) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = _one_line(config["MAIL_FROM"])
    message["To"] = _one_line(payload["to"])
    message["Subject"] = _one_line(payload["subject"])
    message["Message-ID"] = make_msgid(domain="casework.local")
    message.set_content(payload["text"])
    if payload.get("html"):
        message.add_alternative(payload["html"], subtype="html")
    return message


def readable(message: EmailMessage) -> str:
    """The headers and plain text of a message, decoded: what the console backend logs, so
    that a link in it can be copied whole (the wire form wraps and escapes it)."""
    headers = "\n".join(f"{name}: {message[name]}" for name in ("From", "To", "Subject"))
    return f"{headers}\n\n{message.get_body(('plain',)).get_content()}"


@outbox.handler(ACCOUNT_EMAIL_KIND, after_response=True)
@outbox.handler(EMAIL_KIND)
def deliver_email(payload: dict) -> None:
    """Send through the configured SMTP server, or write to the log in development."""
    config = current_app.config
    message = build_message(payload)
    if config["MAIL_BACKEND"] == "console":
        log.info("email (console backend, not sent):\n%s", readable(message))
        return
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(
            config["MAIL_SERVER"],
            config["MAIL_PORT"],
            timeout=config["MAIL_TIMEOUT"],
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
        )
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
