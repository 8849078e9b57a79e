"""Forms of the feedback blueprint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.domain import voc
from portal.forms import Form, to_int
from portal.i18n import isolate
from portal.kernel.labels import (
    CHANNEL_LABELS,
    CSAT_SCORE_LABELS,
    FEEDBACK_KIND_LABELS,
    FEEDBACK_STATUS_LABELS,
    SENTIMENT_LABELS,
)
from portal.models import FeedbackKind

SENTIMENT_CHOICES = [
    SelectChoice("", _l("Judge from the kind")),
    *(SelectChoice(key.value, label) for key, label in SENTIMENT_LABELS.items()),
]
ITEM_KIND_CHOICES = [
    SelectChoice(kind.value, FEEDBACK_KIND_LABELS[kind]) for kind in voc.ITEM_KINDS
]


def score_choices(kind: FeedbackKind) -> list[SelectChoice]:
    if kind == FeedbackKind.CSAT:
        return [SelectChoice(score, CSAT_SCORE_LABELS[score]) for score in voc.SCORES[kind]]
    return [SelectChoice(score, str(score)) for score in voc.SCORES[kind]]


class RatingForm(Form):
    """The survey's choices; the emailed one arrives pre-selected, a POST records it."""

    score = RadioField(_l("Your rating"), coerce=to_int, validators=[InputRequired()])

    def __init__(self, *args, kind: FeedbackKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.score.choices = score_choices(kind)


class SurveyCommentForm(Form):
    comment = TextAreaField(
        _l("Anything you would like to add? (optional)"),
        validators=[Optional(), Length(max=voc.MAX_SURVEY_COMMENT)],
    )


class CustomerFeedbackForm(Form):
    kind = SelectField(_l("What kind of feedback is it?"), choices=ITEM_KIND_CHOICES)
    case_id = SelectField(_l("About a case (optional)"), coerce=to_int, default=0)
    summary = StringField(
        _l("In one line"), validators=[DataRequired(), Length(max=voc.MAX_SUMMARY)]
    )
    detail = TextAreaField(
        _l("Tell us more"), validators=[DataRequired(), Length(max=voc.MAX_DETAIL)]
    )

    def set_cases(self, cases) -> None:
        self.case_id.choices = [
            SelectChoice(0, _l("No particular case")),
            *(
                SelectChoice(case.id, f"{isolate(case.number)} · {isolate(case.subject)}")
                for case in cases
            ),
        ]


class LogFeedbackForm(Form):
    """Feedback heard on a call, in an email or a chat, logged by staff."""

    kind = SelectField(_l("Kind"), choices=ITEM_KIND_CHOICES)
    channel = SelectField(
        _l("Heard through"),
        choices=[SelectChoice(key.value, label) for key, label in CHANNEL_LABELS.items()],
        default="phone",
    )
    case_number = StringField(_l("Case number (optional)"), validators=[Length(max=20)])
    contact_email = StringField(
        _l("Contact's email (optional if a case is given)"), validators=[Length(max=254)]
    )
    summary = StringField(_l("Summary"), validators=[DataRequired(), Length(max=voc.MAX_SUMMARY)])
    detail = TextAreaField(
        _l("What the customer said"), validators=[DataRequired(), Length(max=voc.MAX_DETAIL)]
    )
    sentiment = SelectField(_l("Sentiment"), choices=SENTIMENT_CHOICES, default="")
    themes = SelectMultipleField(_l("Themes"), coerce=to_int, validators=[Optional()])


class ItemUpdateForm(Form):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(key.value, label) for key, label in FEEDBACK_STATUS_LABELS.items()],
    )
    owner_id = SelectField(_l("Owner"), coerce=to_int)
    sentiment = SelectField(
        _l("Sentiment"),
        choices=[SelectChoice(key.value, label) for key, label in SENTIMENT_LABELS.items()],
    )
    themes = SelectMultipleField(_l("Themes"), coerce=to_int, validators=[Optional()])

    def set_choices(self, staff, themes) -> None:
        self.owner_id.choices = [
            SelectChoice(0, _l("Nobody")),
            *(SelectChoice(user.id, user.name) for user in staff),
        ]
        self.themes.choices = [SelectChoice(theme.id, theme.name) for theme in themes]


class CommentForm(Form):
    body = TextAreaField(
        _l("Internal comment (never shown to the customer)"),
        validators=[DataRequired(), Length(max=voc.MAX_COMMENT)],
    )


class ResponseForm(Form):
    response = TextAreaField(
        _l("Response to the customer (emailed, shown in their portal)"),
        validators=[DataRequired(), Length(max=voc.MAX_RESPONSE)],
    )


class ThemeForm(Form):
    name = StringField(_l("Theme"), validators=[DataRequired(), Length(max=voc.MAX_THEME_NAME)])
    is_active = BooleanField(_l("In use"), default=True)
