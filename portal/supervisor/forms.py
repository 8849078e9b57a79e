"""Forms of the supervisor console (the escalation inbox, goals)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.domain import analytics
from portal.forms import DayField, Form, IntegerField, NumberField, to_id_or_none
from portal.kernel.labels import GOAL_DIRECTION_LABELS, GOAL_OWNER_KIND_LABELS


class AcceptForm(Form):
    """Take the case (0) or give it to an agent of its queue; the page picks the case's
    assignee first when they may work it."""

    assign_to = IntegerField(_l("Assign the case to"), validators=[Optional()], default=0)


class ReturnForm(Form):
    guidance = TextAreaField(
        _l("Guidance for the lower tier"), validators=[DataRequired(), Length(max=5000)]
    )


class ResolveForm(Form):
    """Nothing but the CSRF token."""


class GoalForm(Form):
    """A goal's fields. Choices are filled by the view; the goals service checks the rules
    (owner exists, period order, percent targets), so pages, API and CLI share them."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    metric = SelectField(_l("Metric"), validators=[DataRequired()], validate_choice=False)
    direction = SelectField(
        _l("Direction"),
        choices=[SelectChoice(d.value, label) for d, label in GOAL_DIRECTION_LABELS.items()],
        validate_choice=False,
    )
    target = NumberField(_l("Target"), validators=[InputRequired()])
    owner_kind = SelectField(
        _l("Kind of owner"),
        choices=[SelectChoice(k.value, label) for k, label in GOAL_OWNER_KIND_LABELS.items()],
        validate_choice=False,
    )
    owner_user_id = SelectField(
        _l("Agent"), coerce=to_id_or_none, validators=[Optional()], validate_choice=False
    )
    owner_queue_id = SelectField(
        _l("Queue"), coerce=to_id_or_none, validators=[Optional()], validate_choice=False
    )
    owner_tier = SelectField(
        _l("Tier"),
        coerce=to_id_or_none,
        choices=[SelectChoice("", "—")] + [SelectChoice(str(t), str(t)) for t in (1, 2, 3)],
        validators=[Optional()],
        validate_choice=False,
    )
    period_start = DayField(_l("First day"), validators=[InputRequired()])
    period_end = DayField(_l("Last day"), validators=[InputRequired()])
    thresholds = StringField(
        _l("Alert thresholds (percent of target)"),
        default="75,100",
        validators=[Optional(), Length(max=60)],
    )
    behind_margin = IntegerField(
        _l("Behind margin (percentage points)"),
        default=10,
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )

    def values(self) -> dict:
        """The submitted values, as the goals service takes them."""
        return {name: self[name].data for name in analytics.GOAL_FIELDS}


class DeleteGoalForm(Form):
    """Nothing but the CSRF token."""
