"""The answer form built per questionnaire version and domain, for every question type."""

from __future__ import annotations

import pytest
from wtforms import (
    BooleanField,
    FieldList,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

from tests.conftest import NOW, SYSTEM
from tests.portal.answering_setup import issued, sign_in
from tests.questionnaires.xlsx_samples import ANSWERS, NA_ANSWERS, PROVIDER_LABELS, PROVIDERS
from tests.questionnaires.xlsx_samples import every_type as every_type_definition
from vendordd.concentration.services import seed_providers
from vendordd.portal.question_forms import domain_form, form_data, normalised, raw_answer
from vendordd.questionnaires.answers import NA, AnswerError, dump_answer, parse_answer
from vendordd.vendors.forms import CheckboxesField

DEFINITION = every_type_definition()


def form_of(domain: str, data: dict | None = None):
    return domain_form(DEFINITION, domain)(formdata=None, data=data or {})


def test_each_type_gets_its_field(app):
    with app.test_request_context():
        profile, residency = form_of("profile"), form_of("residency")
        fields = {
            name: type(field)
            for name, field in (*profile._fields.items(), *residency._fields.items())
        }

    assert fields == {
        "YN-01": RadioField,
        "SC-01": RadioField,
        "SC-02": SelectField,  # thirty options: a dropdown
        "MC-01": CheckboxesField,
        "CO-01": StringField,
        "PR-01": StringField,
        "NU-01": StringField,
        "NU-01.na": BooleanField,
        "NU-02": StringField,
        "DA-01": StringField,
        "ST-01": StringField,
        "LT-01": TextAreaField,
        "GR-01": FieldList,
        "GR-01.na": BooleanField,
    } | {f"{key}.rev": HiddenField for key in ANSWERS}  # evidence is uploaded, not typed here
    assert [choice.value for choice in profile_choices(app, "YN-01")] == ["yes", "no", "n/a"]


def profile_choices(app, key: str):
    with app.test_request_context():
        return list(form_of("profile")[key].choices)


def test_the_class_is_built_once_per_definition_and_domain():
    first = domain_form(DEFINITION, "profile")

    assert domain_form(DEFINITION, "profile") is first
    assert domain_form(DEFINITION, "residency") is not first
    assert domain_form(every_type_definition(), "profile") is not first


@pytest.mark.parametrize("answers", [ANSWERS, ANSWERS | NA_ANSWERS], ids=["values", "n/a"])
def test_every_stored_answer_reads_back_from_its_fields_unchanged(app, answers):
    with app.test_request_context():
        for key, value in answers.items():
            question = DEFINITION.by_key[key]
            data = form_data(question, dump_answer(value), PROVIDER_LABELS, 3)
            form = form_of(question.domain, data)
            raw = normalised(question, raw_answer(form, question))

            assert parse_answer(question, raw, PROVIDERS) == value, key
            assert form[f"{key}.rev"].data == "3"


def test_not_applicable_among_several_choices_is_refused():
    question = DEFINITION.by_key["MC-01"]

    with pytest.raises(AnswerError, match="cannot be combined"):
        normalised(question, ["rest", "n/a"])
    assert normalised(DEFINITION.by_key["SC-01"], "n/a") == "n/a"


def test_blank_rows_are_not_answers():
    question = DEFINITION.by_key["GR-01"]
    blank = {"provider": "", "name": " ", "data": [], "is_ai": ""}

    assert normalised(question, [blank, blank]) == []
    assert parse_answer(question, normalised(question, [blank])) is None
    assert parse_answer(question, "n/a") is NA


def test_the_page_labels_every_field_and_links_evidence(app, db, tmp_path):
    seed_providers(db, now=NOW, actor=SYSTEM)
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)

    profile = client.get("/portal/domains/profile").text
    residency = client.get("/portal/domains/residency").text

    assert '<legend><span class="qkey">YN-01</span> Question YN-01?</legend>' in profile
    assert '<label for="SC-02" class="qtitle"><span class="qkey">SC-02</span>' in profile
    assert '<a href="/portal/evidence/EV-01">Upload or view files for EV-01</a>' in profile
    assert '<label for="NU-01" class="qtitle">' in residency
    assert (
        'aria-describedby="NU-01-hint"' in residency and "In days, from 0 up to 365." in residency
    )
    assert 'aria-label="Service, row 1"' in residency
    assert '<legend class="sr-only">Data seen, row 1</legend>' in residency
    assert 'list="provider-names"' in residency and '<option value="OpenAI">' in residency
    assert "<code>HK</code> Hong Kong" in residency
    assert '<script src="/static/portal.js" defer></script>' in residency
