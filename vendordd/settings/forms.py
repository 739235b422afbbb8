"""Settings forms: the data-location policy (a field of country codes per data class), the
attestation statement and the concentration thresholds (a row of fields per layer)."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import Form, FormField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from vendordd.concentration.limits import PRESET_NAMES, preset_of
from vendordd.concentration.models import SINGULAR, SUMMARY_LAYERS
from vendordd.concentration.thresholds import LIMIT_FIELDS, Thresholds, limit_of, number
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


class LayerThresholdsForm(Form):
    """One layer's row; the service checks the values, so every message comes from one place."""

    preset = SelectField(
        "Preset",
        choices=[SelectChoice(key, name) for key, name in PRESET_NAMES.items()],
        validate_choice=False,
    )
    hhi_above = StringField("HHI above", filters=[_strip])
    top1_above = StringField("Single-provider share above (%)", filters=[_strip])
    delta_above = StringField("Change in HHI on onboarding above", filters=[_strip])


ThresholdsForm = type(
    "ThresholdsForm",
    (FlaskForm,),
    {layer: FormField(LayerThresholdsForm, SINGULAR[layer]) for layer in SUMMARY_LAYERS},
)


def thresholds_form(limits: Mapping[str, Thresholds]) -> FlaskForm:
    """The form, filled with each layer's preset and the limits in force (a starting point for
    Custom), unless a submission overrides it."""
    return ThresholdsForm(
        data={
            layer: {"preset": preset_of(layer_limits)}
            | {
                field: "" if (limit := limit_of(layer_limits, rule)) is None else number(limit)
                for rule, field in LIMIT_FIELDS.items()
            }
            for layer, layer_limits in limits.items()
        }
    )


def submitted_thresholds(form: FlaskForm) -> dict[str, dict[str, str]]:
    """Layer -> the preset and custom values as typed."""
    return {layer: form[layer].data for layer in SUMMARY_LAYERS}
