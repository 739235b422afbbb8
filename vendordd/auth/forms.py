"""Login and user-administration forms."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from vendordd.auth.models import Role
from vendordd.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, password_problem

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]
ROLE_HINT = (
    "Admin: users and settings, and everything else. Procurement: vendors, services, contacts, "
    "imports. Risk: reviews and decisions. Auditor: reads everything, changes nothing."
)
PASSWORD_HINT = (
    f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters; a few unrelated words work well."
)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def valid_email(_form, field) -> None:
    """WTForms validator: a plausible address (delivery is what really proves it)."""
    if not EMAIL_PATTERN.match(field.data or ""):
        raise ValidationError("Enter an email address like name@bank.example.")


def _acceptable_password(_form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _name_field() -> StringField:
    return StringField(
        "Name",
        filters=[_strip],
        validators=[InputRequired("Enter the user's name."), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[InputRequired("Enter your email address."), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class UserCreateForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[_strip],
        validators=[InputRequired("Enter the user's email address."), Length(max=254), valid_email],
        render_kw={"autocomplete": "off"},
    )
    name = _name_field()
    role = SelectField("Role", choices=ROLE_CHOICES)
    password = PasswordField(
        "Initial password",
        validators=[InputRequired("Choose an initial password."), _acceptable_password],
        render_kw={"autocomplete": "new-password"},
    )


class UserEditForm(FlaskForm):
    name = _name_field()
    role = SelectField("Role", choices=ROLE_CHOICES)
    is_active = BooleanField("Active (can log in)")


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[InputRequired("Choose a new password."), _acceptable_password],
        render_kw={"autocomplete": "new-password"},
    )
