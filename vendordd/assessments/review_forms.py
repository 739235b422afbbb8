"""Forms of the review: question actions, findings, risk acceptance, decision."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from vendordd.assessments.decisions import OUTCOMES, TEXT_LIMIT
from vendordd.assessments.findings import FINDING_STATUSES, SEVERITIES
from vendordd.assessments.review import MESSAGE_LIMIT
from vendordd.auth.models import User
from vendordd.vendors.forms import select_choices


def _optional_id(value) -> int | None:
    return int(value) if value not in (None, "", "None") else None


def _text(label: str, message: str, limit: int = TEXT_LIMIT) -> TextAreaField:
    return TextAreaField(label, [DataRequired(message), Length(max=limit)])


class QuestionForm(FlaskForm):
    """An action on one question (accept); the other question forms add fields."""

    question = HiddenField(validators=[InputRequired("Name the question.")])


class MessageForm(QuestionForm):
    message = _text("Message", "Write a message: it is what the vendor reads.", MESSAGE_LIMIT)


class OwnerMixin:
    def set_owners(self, users: list[User]) -> None:
        self.owner.choices = [SelectChoice("", "No owner yet")] + [
            SelectChoice(user.id, user.name) for user in users
        ]


class FindingForm(QuestionForm, OwnerMixin):
    severity = SelectField("Severity", choices=select_choices(SEVERITIES))
    description = _text("Description", "Describe the finding.")
    remediation = TextAreaField("Remediation asked of the vendor", [Length(max=TEXT_LIMIT)])
    owner = SelectField("Owner", coerce=_optional_id, validate_choice=False)
    due_on = DateField("Due date", [Optional()])


class FindingUpdateForm(FlaskForm, OwnerMixin):
    status = SelectField("Status", choices=select_choices(FINDING_STATUSES))
    owner = SelectField("Owner", coerce=_optional_id, validate_choice=False)
    due_on = DateField("Due date", [Optional()])


class AcceptanceForm(FlaskForm):
    justification = _text("Justification", "Write the justification.")
    compensating_controls = _text("Compensating controls", "Write the compensating controls.")
    expires_on = DateField("Expires on", [InputRequired("Give the expiry date.")])


class DecisionForm(FlaskForm):
    outcome = RadioField(
        "Decision", choices=select_choices(OUTCOMES), validators=[InputRequired("Choose one.")]
    )
    rationale = _text("Rationale", "Write the rationale.")


class ActionForm(FlaskForm):
    """A button with nothing but the CSRF token (return to vendor, approve an acceptance)."""
