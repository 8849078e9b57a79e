"""Forms of the agent workspace. Field edits carry the case version they were made on."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.forms import Form, IntegerField, MomentField, files_rule, to_int
from portal.i18n import LANGUAGES
from portal.kernel.labels import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    DIRECTION_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
)
from portal.models import CaseStatus, Channel, Priority


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(getattr(key, "value", key), label) for key, label in labels.items()]


class VersionedForm(Form):
    version = IntegerField(validators=[InputRequired()])


class ReplyForm(Form):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=20000)])
    internal = BooleanField(_l("Internal note (never shown to the customer)"))
    files = MultipleFileField(_l("Attachments"), validators=[files_rule])


class InsertMacroForm(Form):
    """The no-JavaScript macro button: the reply form's fields come along, so nothing typed
    is lost."""

    macro = IntegerField(_l("Macro"), validators=[InputRequired()], low=1)


class FieldsForm(VersionedForm):
    status = SelectField(_l("Status"), choices=_choices(STATUS_LABELS))
    priority = SelectField(_l("Priority"), choices=_choices(PRIORITY_LABELS))
    category = SelectField(_l("Category"), choices=_choices(CATEGORY_LABELS))
    queue = SelectField(_l("Queue"), coerce=to_int)


class AssignForm(VersionedForm):
    assignee = SelectField(_l("Assignee"), coerce=to_int)


class InteractionForm(Form):
    channel = SelectField(
        _l("Channel"),
        choices=_choices({k: v for k, v in CHANNEL_LABELS.items() if k != Channel.WEB}),
    )
    direction = SelectField(_l("Direction"), choices=_choices(DIRECTION_LABELS))
    occurred_at = MomentField(_l("When"), validators=[InputRequired()])
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), validators=[Optional(), NumberRange(min=0, max=24 * 60)]
    )
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(), Length(max=5000)])


class CaseNumberForm(Form):
    other = StringField(_l("Case number"), validators=[DataRequired(), Length(max=20)])


class MergeForm(VersionedForm):
    into = StringField(_l("Merge into case number"), validators=[DataRequired(), Length(max=20)])


class BulkForm(Form):
    case_ids = SelectMultipleField(coerce=to_int, validate_choice=False)
    action = SelectField(
        _l("Action"),
        choices=[
            SelectChoice("assign", _l("Assign to")),
            SelectChoice("priority", _l("Set priority")),
            SelectChoice("status", _l("Set status")),
            SelectChoice("queue", _l("Move to queue")),
        ],
    )
    value = StringField(_l("Value"), validators=[DataRequired(), Length(max=40)])


class PhoneCaseForm(Form):
    contact_id = IntegerField(_l("Contact"), validators=[InputRequired()], low=1)
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("What the caller said"), validators=[DataRequired(), Length(max=20000)]
    )
    category = SelectField(_l("Category"), choices=_choices(CATEGORY_LABELS), default="general")
    priority = SelectField(
        _l("Priority"), choices=_choices(PRIORITY_LABELS), default=Priority.NORMAL.value
    )
    duration_minutes = IntegerField(
        _l("Call duration (minutes)"), validators=[Optional(), NumberRange(min=0, max=24 * 60)]
    )


class MacroForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()]
    )
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(), Length(max=10000)],
        description=_l("Placeholders: {contact_name}, {case_number}, {subject}, {agent_name}"),
    )
    is_active = BooleanField(_l("In use"), default=True)


class AvailabilityForm(Form):
    available = HiddenField()


STATUS_VALUES = {s.value for s in CaseStatus}
