"""Forms and labels of the supervisor console (the escalation inbox)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.models import EscalationState

STATE_LABELS = {
    EscalationState.OPEN: _l("Open"),
    EscalationState.ACCEPTED: _l("Accepted"),
    EscalationState.RETURNED: _l("Returned"),
    EscalationState.RESOLVED: _l("Resolved"),
}
STATE_BADGES = {
    EscalationState.OPEN: "text-bg-danger",
    EscalationState.ACCEPTED: "text-bg-primary",
    EscalationState.RETURNED: "text-bg-warning",
    EscalationState.RESOLVED: "text-bg-success",
}


class AcceptForm(FlaskForm):
    """Take the case (0, the default) or give it to an agent of its queue."""

    assign_to = IntegerField(_l("Give it to"), validators=[Optional()], default=0)


class ReturnForm(FlaskForm):
    guidance = TextAreaField(
        _l("Guidance for the lower tier"), validators=[DataRequired(), Length(max=5000)]
    )


class ResolveForm(FlaskForm):
    """Nothing but the CSRF token."""
