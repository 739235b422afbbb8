"""Forms of the vendor pages: vendor, contact, status, service with intake, reference data."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import urlsplit

from flask import flash
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from vendordd.auth.forms import valid_email
from vendordd.vendors import intake
from vendordd.vendors.services import CENTS, ServiceData, VendorData, VendorError
from vendordd.vendors.tiering import Intake
from vendordd.vendors.validation import countries, country_problem, lei_problem

MAX_SPEND = Decimal(10) ** 14
MAX_COUNT = 1_000_000_000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _compact_upper(value):
    """LEIs are often pasted with spaces or in lower case."""
    return "".join(value.split()).upper() if isinstance(value, str) else value


def _optional_id(value) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


def _valid_lei(_form, field) -> None:
    problem = field.data and lei_problem(field.data)
    if problem:
        raise ValidationError(problem)


def _valid_country(_form, field) -> None:
    problem = country_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def _http_url(_form, field) -> None:
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in {"http", "https"} or not parts.netloc or " " in field.data:
        raise ValidationError("Enter a full web address starting with https:// or http://.")


def _valid_spend(_form, field) -> None:
    if field.data is None:  # not a number at all: the field already says so
        return
    if not field.data.is_finite() or field.data < 0:
        raise ValidationError("Enter an amount of 0 or more, e.g. 125000.00.")
    if field.data >= MAX_SPEND:
        raise ValidationError("That amount is too large to store.")
    if field.data != field.data.quantize(CENTS):
        raise ValidationError("Use at most two decimal places.")


def show_error(form: FlaskForm, error: VendorError) -> None:
    """Put a refused change next to the field it concerns, or flash it when there is none."""
    target = getattr(form, error.field or "", None)
    if target is not None and hasattr(target, "errors"):
        target.errors.append(str(error))
    else:
        flash(str(error), "error")


class CheckboxesField(SelectMultipleField):
    """A multi-select shown as a list of checkboxes (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _url_field(label: str, hint: str) -> StringField:
    return StringField(
        label,
        description=hint,
        filters=[_strip],
        validators=[Optional(), Length(max=300), _http_url],
    )


class VendorForm(FlaskForm):
    legal_name = StringField(
        "Legal name",
        description="As registered; must be unique (case and spacing are ignored).",
        filters=[_strip],
        validators=[DataRequired("Enter the vendor's legal name."), Length(max=200)],
    )
    display_name = StringField(
        "Display name",
        description="The short name people use, shown in lists.",
        filters=[_strip],
        validators=[DataRequired("Enter a display name."), Length(max=120)],
    )
    lei = StringField(
        "LEI (optional)",
        description="Legal Entity Identifier, ISO 17442: 20 letters and digits.",
        filters=[_compact_upper],
        validators=[Optional(), _valid_lei],
    )
    hq_country = SelectField(
        "Headquarters country",
        validate_choice=False,
        validators=[
            InputRequired("Choose the country of the vendor's headquarters."),
            _valid_country,
        ],
    )
    website = _url_field("Website (optional)", "The vendor's main web address.")
    trust_centre_url = _url_field(
        "Trust-centre URL (optional)", "Where the vendor publishes security and compliance facts."
    )
    subprocessor_list_url = _url_field(
        "Subprocessor-list URL (optional)", "The vendor's published list of subprocessors."
    )
    owner_id = SelectField(
        "Owner (optional)",
        description="The person at the institution accountable for this vendor.",
        coerce=_optional_id,
    )
    notes = TextAreaField("Notes (optional)", filters=[_strip], validators=[Length(max=10_000)])

    def set_choices(self, owners: Iterable) -> None:
        """Fill the country and owner selects."""
        self.hq_country.choices = [SelectChoice("", "Choose a country…")] + [
            SelectChoice(code, f"{name} ({code})") for code, name in countries().items()
        ]
        self.owner_id.choices = [SelectChoice("", "No owner")] + [
            SelectChoice(user.id, user.name if user.is_active else f"{user.name} (deactivated)")
            for user in owners
        ]

    def vendor_data(self) -> VendorData:
        """The validated input as the services take it."""
        return VendorData(
            legal_name=self.legal_name.data,
            display_name=self.display_name.data,
            hq_country=self.hq_country.data,
            lei=self.lei.data or None,
            website=self.website.data or "",
            trust_centre_url=self.trust_centre_url.data or "",
            subprocessor_list_url=self.subprocessor_list_url.data or "",
            owner_id=self.owner_id.data,
            notes=self.notes.data or "",
        )


class StatusForm(FlaskForm):
    # Filled by the pressed button (name="status"); the service enforces the transitions.
    status = StringField(validators=[InputRequired()])


class ContactForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[_strip],
        validators=[DataRequired("Enter the contact's name."), Length(max=120)],
    )
    email = EmailField(
        "Email",
        filters=[_strip],
        validators=[DataRequired("Enter an email address."), Length(max=254), valid_email],
    )
    role_title = StringField(
        "Role at the vendor (optional)", filters=[_strip], validators=[Length(max=120)]
    )


def select_choices(vocabulary: dict[str, str]) -> list[SelectChoice]:
    """Choices of a select or radio field from a code -> label vocabulary."""
    return [SelectChoice(code, text) for code, text in vocabulary.items()]


def _intake_choice(label: str, vocabulary: dict[str, str], hint: str, required: str) -> RadioField:
    return RadioField(
        label,
        choices=select_choices(vocabulary),
        description=hint,
        validators=[InputRequired(required)],
    )


class ServiceForm(FlaskForm):
    name = StringField(
        "Service name",
        description='The GenAI product or feature, e.g. "Contract summariser".',
        filters=[_strip],
        validators=[DataRequired("Enter the service's name."), Length(max=160)],
    )
    description = TextAreaField(
        "Description (optional)", filters=[_strip], validators=[Length(max=10_000)]
    )
    annual_spend = DecimalField(
        "Annual spend (optional)",
        places=2,
        validators=[Optional(), _valid_spend],
    )
    entity_ids = CheckboxesField("Entities using it", coerce=int)
    function_ids = CheckboxesField("Business functions supported", coerce=int)
    use_case = _intake_choice(
        "What will it be used for?",
        intake.USE_CASES,
        "Customer-facing advice or automated decisions weigh most.",
        "Choose what the service is used for.",
    )
    data_class = _intake_choice(
        "Most sensitive data sent to the vendor",
        intake.DATA_CLASSES,
        "Count prompts, uploaded files and retrieval sources.",
        "Choose the most sensitive data class.",
    )
    critical_function = _intake_choice(
        "Does it support a critical or important function, or material outsourcing?",
        intake.CRITICAL_FUNCTION,
        "DORA critical or important function, MAS material outsourcing, HKMA or IA "
        'material outsourcing. "Yes" makes the service T1.',
        "Say whether it supports a critical or important function.",
    )
    reliance = _intake_choice(
        "Level of reliance",
        intake.RELIANCE,
        "How far the business function depends on this service.",
        "Choose the level of reliance.",
    )
    integration = _intake_choice(
        "How integrated is it?",
        intake.INTEGRATION,
        "A standalone tool, or part of a business or critical process.",
        "Choose how the service is integrated.",
    )
    autonomy = _intake_choice(
        "Degree of autonomy",
        intake.AUTONOMY,
        "Who acts on what the model produces.",
        "Choose the degree of autonomy.",
    )
    users_affected = IntegerField(
        "Customers or users affected",
        description="How many people its output can affect; 10,000 or more is broad exposure.",
        default=0,
        validators=[
            InputRequired("Enter a number (0 if none)."),
            NumberRange(min=0, max=MAX_COUNT, message="Enter a number from 0 to 1,000,000,000."),
        ],
    )
    is_public_facing = BooleanField("Public-facing (customers or the public use it directly)")
    discontinuation_impact = _intake_choice(
        "Impact if it were discontinued",
        intake.IMPACT,
        "The harm to the business if the service stopped without warning.",
        "Choose the impact of discontinuation.",
    )
    rto_hours = IntegerField(
        "Recovery time objective in hours (optional)",
        description="Longest tolerable outage; 4 hours or less counts as tight.",
        validators=[
            Optional(),
            NumberRange(min=0, max=100_000, message="Enter a number of hours from 0 to 100,000."),
        ],
    )

    def set_choices(self, entities: Iterable, functions: Iterable) -> None:
        """Fill the entity and business-function checkboxes."""
        self.entity_ids.choices = [SelectChoice(e.id, _reference_label(e)) for e in entities]
        self.function_ids.choices = [SelectChoice(f.id, _reference_label(f)) for f in functions]

    def service_data(self) -> ServiceData:
        """The validated input as the services take it."""
        return ServiceData(
            name=self.name.data,
            description=self.description.data or "",
            annual_spend=self.annual_spend.data,
            entity_ids=list(self.entity_ids.data or []),
            function_ids=list(self.function_ids.data or []),
            intake=Intake(
                use_case=self.use_case.data,
                data_class=self.data_class.data,
                critical_function=self.critical_function.data,
                reliance=self.reliance.data,
                integration=self.integration.data,
                autonomy=self.autonomy.data,
                users_affected=self.users_affected.data,
                is_public_facing=bool(self.is_public_facing.data),
                discontinuation_impact=self.discontinuation_impact.data,
                rto_hours=self.rto_hours.data,
            ),
        )


def _reference_label(item) -> str:
    return item.name if item.is_active else f"{item.name} (inactive)"


class FunctionForm(FlaskForm):
    name = StringField(
        "Name", filters=[_strip], validators=[DataRequired("Enter a name."), Length(max=120)]
    )


class FunctionEditForm(FunctionForm):
    is_active = BooleanField("Active (offered when services are added or edited)")


class EntityForm(FlaskForm):
    name = StringField(
        "Name",
        description='For example "HK bank — HKMA".',
        filters=[_strip],
        validators=[DataRequired("Enter a name."), Length(max=120)],
    )
    regimes = CheckboxesField("Regulatory regimes", choices=select_choices(intake.REGIMES))


class EntityEditForm(EntityForm):
    is_active = BooleanField("Active (offered when services are added or edited)")
