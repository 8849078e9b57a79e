"""Contacts from a CSV file, checked row by row, with a report of the rows refused and why.

Columns (header row, any order and case): `name` (required), `email`, `phone`, `account`
(an account's name or email domain) and `language` (en, fa, ar). The file is UTF-8, with or
without a byte-order mark; commas, semicolons or tabs separate the cells. Every good row is
created, every bad row is reported with its line number and reasons, and all of it happens in
the caller's one transaction: a failure saves nothing, never half a file or half a row.
Also the `flask contacts import FILE` command (`contacts_cli`), with a progress bar.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale, lazy_ngettext
from flask_babel import lazy_gettext as _l

from portal import authz
from portal.domain.crm import account_lookup, field_values
from portal.domain.crm.account_lookup import AMBIGUOUS
from portal.domain.crm.field_values import CrmError
from portal.domain.crm.matching import email_key, is_valid_phone, normalize_phone
from portal.extensions import db
from portal.i18n import isolate, native_digits
from portal.kernel import audit
from portal.models import Contact, User

COLUMNS = ("name", "email", "phone", "account", "language")
MAX_ROWS = 10_000
MAX_NAME = 120
MAX_PHONE = 40
CHUNK = 500


@dataclass
class RejectedRow:
    line: int
    values: dict[str, str]
    reasons: list


@dataclass
class ParsedFile:
    """The rows of a CSV file as (line number, {column: text}, has extra cells)."""

    rows: list[tuple[int, dict[str, str], bool]] = field(default_factory=list)
    error: object | None = None
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    total: int = 0
    created_ids: list[int] = field(default_factory=list)
    accepted: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    error: object | None = None
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def parse(data: bytes, *, max_rows: int | None = MAX_ROWS) -> ParsedFile:
    """Decode and split the file; a file that cannot be read at all gets `error`, never an
    exception."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ParsedFile(
            error=_l("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        )
    if not text.strip():
        return ParsedFile(error=_l("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    parsed = ParsedFile()
    try:
        columns = [cell.strip().lower() for cell in next(reader)]
        if "name" not in columns:
            return ParsedFile(
                error=_l(
                    "The first line must name the columns, at least “name” "
                    "(also: email, phone, account, language)."
                )
            )
        repeated = sorted({c for c in columns if c in COLUMNS and columns.count(c) > 1})
        if repeated:
            return ParsedFile(
                error=_l("A column appears twice: %(columns)s.", columns=", ".join(repeated))
            )
        parsed.ignored_columns = [c for c in columns if c and c not in COLUMNS]
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if max_rows is not None and len(parsed.rows) >= max_rows:
                return ParsedFile(
                    error=lazy_ngettext(
                        "The file has more than %(count)s row; split it into smaller files.",
                        "The file has more than %(count)s rows; split it into smaller files.",
                        max_rows,
                        count=native_digits(max_rows),
                    )
                )
            values = {
                column: cells[index].strip() if index < len(cells) else ""
                for index, column in enumerate(columns)
                if column in COLUMNS
            }
            extra = any(cell.strip() for cell in cells[len(columns) :])
            parsed.rows.append((reader.line_num, values, extra))
    except csv.Error as error:
        return ParsedFile(
            error=_l(
                "The file is not valid CSV near line %(line)s: %(reason)s",
                line=native_digits(reader.line_num),
                reason=isolate(str(error)),
            )
        )
    return parsed


def _existing_emails(keys: set[str]) -> set[str]:
    """Those of `keys` (lowercased addresses) some contact already has, merged ones included."""
    found: set[str] = set()
    items = sorted(keys)
    for start in range(0, len(items), CHUNK):
        found.update(
            db.session.scalars(
                sa.select(sa.func.lower(Contact.email)).where(
                    sa.func.lower(Contact.email).in_(items[start : start + CHUNK])
                )
            )
        )
    return found


def _check_row(values: dict[str, str], accounts: dict) -> tuple[dict, list]:
    """The contact's fields from one row, and the reasons to refuse it (empty when good)."""
    reasons: list = []
    name = " ".join(values.get("name", "").split())
    if not name:
        reasons.append(_l("The name is missing."))
    elif len(name) > MAX_NAME:
        reasons.append(
            lazy_ngettext(
                "The name is longer than %(count)s character.",
                "The name is longer than %(count)s characters.",
                MAX_NAME,
                count=native_digits(MAX_NAME),
            )
        )
    email = language = None
    try:
        email = field_values.clean_email(values.get("email"))
    except CrmError as error:
        reasons.append(error.message)
    phone = values.get("phone", "")
    if not is_valid_phone(phone) or len(normalize_phone(phone) or "") > MAX_PHONE:
        reasons.append(
            _l("Not a phone number: use digits, spaces, dashes and an optional leading +.")
        )
    try:
        language = field_values.clean_language(values.get("language"))
    except CrmError as error:
        reasons.append(error.message)
    account = None
    if values.get("account"):
        account = accounts.get(values["account"])
        if account is None:
            reasons.append(_l("No account has this name or domain."))
        elif account is AMBIGUOUS:
            reasons.append(
                _l("Several accounts have this name; enter the account's email domain instead.")
            )
    fields = {
        "name": name,
        "email": email,
        "phone": normalize_phone(phone),
        "language": language,
        "account_id": account.id if account not in (None, AMBIGUOUS) else None,
    }
    return fields, reasons


def import_rows(
    parsed: ParsedFile,
    *,
    by: User | None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row and create the good ones (unless `dry_run`); the caller commits.

    Emails must be new: to the database (any contact, any case) and within the file (the
    first row with an address wins).
    """
    report = ImportReport(
        total=len(parsed.rows),
        error=parsed.error,
        ignored_columns=parsed.ignored_columns,
        dry_run=dry_run,
    )
    if parsed.error is not None:
        return report
    existing = _existing_emails(
        {key for _line, values, _extra in parsed.rows if (key := email_key(values.get("email")))}
    )
    accounts = account_lookup.resolve_accounts(
        {values["account"] for _line, values, _extra in parsed.rows if values.get("account")}
    )
    seen: dict[str, int] = {}
    good: list[dict] = []
    for line, values, extra in parsed.rows:
        fields, reasons = _check_row(values, accounts)
        if extra:
            reasons.append(_l("The row has more cells than the header has columns."))
        key = email_key(fields["email"])
        if key in seen:
            reasons.append(_l("The same email address is on line %(line)s.", line=seen[key]))
        elif key in existing:
            reasons.append(_l("A contact with this email address already exists."))
        if reasons:
            report.rejected.append(RejectedRow(line=line, values=values, reasons=reasons))
        else:
            if key:
                seen[key] = line
            good.append(fields)
        if progress is not None:
            progress(1)
    report.accepted = len(good)
    if dry_run or not good:
        return report
    contacts = [Contact(**fields) for fields in good]
    db.session.add_all(contacts)
    db.session.flush()
    report.created_ids = [contact.id for contact in contacts]
    audit.record(
        "contact.import",
        by=by,
        created=len(contacts),
        rejected=len(report.rejected),
        contact_ids=report.created_ids,
    )
    return report


def import_contacts(
    data: bytes, *, by: User | None, dry_run: bool = False, max_rows: int | None = MAX_ROWS
) -> ImportReport:
    """Parse, check and create in one go (the web upload); the caller commits."""
    return import_rows(parse(data, max_rows=max_rows), by=by, dry_run=dry_run)


contacts_cli = AppGroup("contacts", help="Contacts: import from CSV.")


@contacts_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check every row but save nothing.")
@click.option("--by", "by_email", default=None, help="Staff email to record as the importer.")
def import_command(file, dry_run: bool, by_email: str | None) -> None:
    """Import contacts from a CSV file (name,email,phone,account,language), with a report."""
    with force_locale("en"):
        by = None
        if by_email:
            by = db.session.scalar(
                sa.select(User).where(sa.func.lower(User.email) == by_email.strip().lower())
            )
            if by is None or not authz.is_staff(by):
                raise click.BadParameter("no staff user has this email", param_hint="--by")
        parsed = parse(file.read(), max_rows=None)
        if parsed.error is not None:
            raise click.ClickException(str(parsed.error))
        with click.progressbar(length=len(parsed.rows), label="Contacts") as bar:
            report = import_rows(parsed, by=by, dry_run=dry_run, progress=bar.update)
        if not dry_run:
            db.session.commit()
        for row in report.rejected:
            reasons = " ".join(str(reason) for reason in row.reasons)
            click.echo(f"line {row.line}: {row.values.get('name', '')!r}: {reasons}", err=True)
        if report.ignored_columns:
            click.echo(f"Ignored columns: {', '.join(report.ignored_columns)}")
        verb = "would be created" if dry_run else "created"
        click.echo(
            f"{report.accepted} of {report.total} contacts {verb}; {len(report.rejected)} rejected."
        )
