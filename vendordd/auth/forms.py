"""Login and user-administration forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, ValidationError

from vendordd.auth.models import Role
from vendordd.auth.passwords import password_problem

ROLE_CHOICES = [(r.value, r.label) for r in Role]


def _acceptable_password(_form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)])


class UserCreateForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Email(), Length(max=254)])
    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    password = PasswordField("Initial password", validators=[InputRequired(), _acceptable_password])


class UserEditForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    is_active = BooleanField("Active (can log in)")


class PasswordResetForm(FlaskForm):
    password = PasswordField("New password", validators=[InputRequired(), _acceptable_password])
