"""Forms for issuing an assessment, inviting more contacts, and cancelling one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from vendordd.assessments.issuing import MAX_REASON
from vendordd.vendors.forms import CheckboxesField
from vendordd.vendors.models import Contact


class ContactsForm(FlaskForm):
    contact_ids = CheckboxesField(
        "Contacts to invite", coerce=int, validate_choice=False, default=[]
    )

    def set_contacts(self, contacts: list[Contact]) -> None:
        self.contact_ids.choices = [(c.id, f"{c.name} <{c.email}>") for c in contacts]


class IssueForm(ContactsForm):
    version_id = SelectField(
        "Questionnaire version",
        coerce=int,
        validators=[InputRequired("Choose a questionnaire version.")],
        validate_choice=False,
    )
    due_on = DateField(
        "Due date",
        validators=[InputRequired("Enter the date the vendor must submit by.")],
    )
    supersede = BooleanField("Supersede the open assessment (it is cancelled, its links stop)")


class CancelForm(FlaskForm):
    reason = TextAreaField(
        "Reason for cancelling",
        validators=[
            DataRequired("Say why the assessment is cancelled."),
            Length(max=MAX_REASON),
        ],
    )
