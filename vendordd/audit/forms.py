"""The audit trail's filter form, read from the query string."""

from __future__ import annotations

from wtforms import DateField, Form, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput


def _strip(value: str | None) -> str:
    return (value or "").strip()


class AuditFilterForm(Form):
    """Filters of the trail; the action and object-type choices come from the database."""

    actor = StringField("Actor", validators=[Optional(), Length(max=254)], filters=[_strip])
    action = SelectField("Action", default="")
    object_type = SelectField("Object type", default="")
    date_from = DateField("From (UTC)", validators=[Optional()])
    date_to = DateField("To (UTC, inclusive)", validators=[Optional()])
    vendor_id = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(min=1)])

    def __init__(self, formdata, *, actions: list[str], object_types: list[str]) -> None:
        super().__init__(formdata)
        self.action.choices = [("", "Any action"), *((a, a) for a in actions)]
        self.object_type.choices = [("", "Any type"), *((t, t) for t in object_types)]

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")
