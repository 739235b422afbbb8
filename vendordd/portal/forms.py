"""Portal forms: asking for a new link and the attestation (a colleague uses ContactForm)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Length

from vendordd.auth.forms import _strip, valid_email


class NewLinkForm(FlaskForm):
    email = EmailField(
        "Your email address",
        filters=[_strip],
        validators=[DataRequired("Enter your email address."), Length(max=254), valid_email],
    )


class AttestationForm(FlaskForm):
    name = StringField(
        "Your full name",
        filters=[_strip],
        validators=[DataRequired("Enter your full name."), Length(max=120)],
    )
    title = StringField(
        "Your job title",
        filters=[_strip],
        validators=[DataRequired("Enter your job title."), Length(max=120)],
    )
    confirm = BooleanField(
        "I confirm the statement above on behalf of the vendor.",
        validators=[DataRequired("Tick the box to confirm the statement, or do not submit yet.")],
    )
