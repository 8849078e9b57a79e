"""The escalate form on the case page. Field ids carry a prefix so that they stay unique on a
page with several forms; the names stay plain."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from portal.forms import Form, IntegerField, to_int
from portal.kernel.labels import queue_option


class EscalateForm(Form):
    to_queue = SelectField(_l("Escalate to"), coerce=to_int, id="escalate-to-queue")
    to_agent = SelectField(_l("Assign the case to"), coerce=to_int, id="escalate-to-agent")
    reason = StringField(
        _l("Reason"), validators=[DataRequired(), Length(max=200)], id="escalate-reason"
    )
    handoff_note = TextAreaField(
        _l("Hand-off note for the next tier"),
        validators=[Length(max=5000)],
        id="escalate-handoff-note",
    )
    version = IntegerField(validators=[InputRequired()], id="escalate-version")

    def set_choices(self, queues, agents) -> None:
        """Queues above the case's tier (default: the next tier) and agents who work there."""
        self.to_queue.choices = [SelectChoice(0, _l("Next tier (default queue)"))] + [
            SelectChoice(queue.id, queue_option(queue.name, queue.tier)) for queue in queues
        ]
        self.to_agent.choices = [SelectChoice(0, _l("Nobody yet (unassigned)"))] + [
            SelectChoice(agent.id, agent.name) for agent in agents
        ]


class MarkReadForm(Form):
    """Mark notifications read: all of them, or the one named by `notification`."""

    notification = IntegerField(default=0)
