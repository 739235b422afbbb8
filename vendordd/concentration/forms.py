"""Forms for hand corrections to the fourth-party map and for the provider registry."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from vendordd.concentration.dependencies import Resilience
from vendordd.concentration.models import LAYERS, PROVIDER_KINDS, SUBSTITUTABILITY
from vendordd.concentration.providers import ProviderData

NOT_ASSESSED = {"": "Not assessed"}


def _choices(vocabulary: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(code, text) for code, text in vocabulary.items()]


YES_NO = NOT_ASSESSED | {"yes": "Yes", "no": "No"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class CorrectionForm(FlaskForm):
    """What risk may correct on any dependency: the model, and how replaceable it is."""

    family = StringField("Model family", filters=[_strip], validators=[Length(max=120)])
    version = StringField("Model version", filters=[_strip], validators=[Length(max=80)])
    substitutability = SelectField(
        "Substitutability (DORA register)",
        choices=_choices(NOT_ASSESSED | SUBSTITUTABILITY),
        default="",
    )
    has_alternative = SelectField(
        "Alternative provider identified", choices=_choices(YES_NO), default=""
    )
    has_exit_plan = SelectField("Exit plan", choices=_choices(YES_NO), default="")
    is_failover_tested = SelectField("Failover tested", choices=_choices(YES_NO), default="")
    failover_tested_on = DateField("Last failover test", validators=[Optional()])
    reason = TextAreaField(
        "Reason",
        filters=[_strip],
        validators=[DataRequired("Give the reason: it is kept with the change."), Length(max=2000)],
    )

    def resilience(self) -> Resilience:
        return Resilience(
            substitutability=self.substitutability.data or None,
            has_alternative=_yes_no(self.has_alternative.data),
            has_exit_plan=_yes_no(self.has_exit_plan.data),
            is_failover_tested=_yes_no(self.is_failover_tested.data),
            failover_tested_on=self.failover_tested_on.data,
        )

    def fill(self, dependency) -> None:
        """Start from the dependency's current values."""
        words = {True: "yes", False: "no", None: ""}
        self.family.data, self.version.data = dependency.model_family, dependency.model_version
        self.substitutability.data = dependency.substitutability or ""
        self.has_alternative.data = words[dependency.has_alternative]
        self.has_exit_plan.data = words[dependency.has_exit_plan]
        self.is_failover_tested.data = words[dependency.is_failover_tested]
        self.failover_tested_on.data = dependency.failover_tested_on


class DependencyForm(CorrectionForm):
    """A dependency added by hand to one service."""

    service = SelectField("Service", coerce=int, validators=[DataRequired("Choose the service.")])
    layer = SelectField("Layer", choices=_choices(LAYERS))
    provider = StringField(
        "Provider (registry name, or any name)", filters=[_strip], validators=[Length(max=200)]
    )
    country = StringField("Country (ISO code, for a country layer)", filters=[_strip])

    def set_services(self, services) -> None:
        self.service.choices = [SelectChoice(s.id, s.name) for s in services]


class RemovalForm(FlaskForm):
    reason = TextAreaField(
        "Reason for removing it",
        filters=[_strip],
        validators=[DataRequired("Give the reason: it is kept with the row."), Length(max=2000)],
    )


def _compact_upper(value):
    """LEIs and country codes are often pasted with spaces or in lower case."""
    return "".join(value.split()).upper() if isinstance(value, str) else value


def _optional_id(value) -> int | None:
    return None if value in (None, "") else int(value)


class ProviderForm(FlaskForm):
    """A provider in the registry; the service checks uniqueness, LEI, country and parent."""

    name = StringField(
        "Name",
        description="Unique in the registry (case is ignored).",
        filters=[_strip],
        validators=[DataRequired("Enter the provider's name."), Length(max=120)],
    )
    kind = SelectField("Kind", choices=_choices(PROVIDER_KINDS))
    parent_id = SelectField(
        "Ultimate parent (optional)",
        description="Connected providers count together in concentration.",
        coerce=_optional_id,
        validate_choice=False,
    )
    hq_country = SelectField(
        "Headquarters country",
        filters=[_compact_upper],
        validate_choice=False,
        validators=[DataRequired("Choose the country of the provider's headquarters.")],
    )
    lei = StringField(
        "LEI (optional)",
        description="Legal Entity Identifier, ISO 17442: 20 letters and digits.",
        filters=[_compact_upper],
    )
    is_designated_critical = BooleanField("Designated critical by a regulator")

    def set_choices(self, parents, countries: dict[str, str]) -> None:
        """Fill the parent and country selects."""
        self.parent_id.choices = [SelectChoice("", "No parent")] + [
            SelectChoice(p.id, p.name) for p in parents
        ]
        self.hq_country.choices = [SelectChoice("", "Choose a country…")] + [
            SelectChoice(code, f"{name} ({code})") for code, name in countries.items()
        ]

    def provider_data(self) -> ProviderData:
        return ProviderData(
            name=self.name.data,
            kind=self.kind.data,
            hq_country=self.hq_country.data,
            parent_id=self.parent_id.data,
            lei=self.lei.data or None,
            is_designated_critical=self.is_designated_critical.data,
        )


class MergeForm(FlaskForm):
    survivor_id = SelectField(
        "Keep this provider",
        description="Every dependency and child of the duplicate moves to it.",
        coerce=_optional_id,
        validate_choice=False,
        validators=[DataRequired("Choose the provider to keep.")],
    )

    def set_choices(self, providers) -> None:
        self.survivor_id.choices = [SelectChoice("", "Choose a provider…")] + [
            SelectChoice(p.id, p.name) for p in providers
        ]
