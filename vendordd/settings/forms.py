"""Settings forms: the data-location policy (a field of country codes per data class) and the
attestation statement."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from vendordd.questionnaires.answers import COUNTRY_SEPARATORS
from vendordd.vendors.intake import DATA_CLASSES


def _strip(value):
    return value.strip() if isinstance(value, str) else value


# Fields named after the data classes, so the form follows DATA_CLASSES when a class is added.
DataLocationForm = type(
    "DataLocationForm",
    (FlaskForm,),
    {
        data_class: StringField(label, filters=[_strip], validators=[Length(max=2000)])
        for data_class, label in DATA_CLASSES.items()
    },
)


def data_location_form(policy: Mapping[str, frozenset[str]]) -> FlaskForm:
    """The form, filled from the stored policy unless a submission overrides it."""
    return DataLocationForm(data={cls: " ".join(sorted(codes)) for cls, codes in policy.items()})


def submitted_policy(form: FlaskForm) -> dict[str, list[str]]:
    """Data class -> the codes typed, split on spaces, commas or semicolons (blank: none)."""
    return {
        data_class: [code for code in COUNTRY_SEPARATORS.split(form[data_class].data or "") if code]
        for data_class in DATA_CLASSES
    }


class AttestationForm(FlaskForm):
    statement = TextAreaField(
        "Statement",
        filters=[_strip],
        validators=[Length(max=4000, message="Keep the statement under 4,000 characters.")],
    )
