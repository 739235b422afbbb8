"""The answer form of one domain, built from the pinned questionnaire version.

A registry maps each question type to a field builder (as indico does for its dynamic forms);
a fresh FlaskForm class is built per (version, domain) and kept, since a version never changes.
Fields are named by question key; beside each sit `<key>.rev` (the revision the answer was
loaded at) and, for typed answers that allow it, `<key>.na` ("not applicable"). Checking is not
done by WTForms validators but by `parse_answer`, so the portal accepts exactly what the XLSX
import and the scoring accept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as PlainForm

from vendordd.questionnaires.answers import LONG_TEXT_MAX, NA_TEXT, SHORT_TEXT_MAX, AnswerError
from vendordd.questionnaires.schema import Column, Definition, Question
from vendordd.scoring.plan import per_definition
from vendordd.vendors.forms import CheckboxesField

Builder = Callable[[Question | Column, list[SelectChoice]], Field]
NA_CHOICE = SelectChoice(NA_TEXT, "Not applicable")
RADIO_MAX = 8  # more options than this: a dropdown, not a column of radio buttons
CHOICE_KINDS = frozenset({"yes_no", "single_choice", "multiple_choice"})
# Answers typed as text: "not applicable" is a checkbox beside them, not a choice among them.
TYPED_KINDS = frozenset({"countries", "providers", "number", "date", "short_text", "long_text"})
# Names of the fields beside a question's own (the templates and portal.js use them too).
REV, NA_BOX, REMOVE, ADD = ".rev", ".na", ".remove", "add_row"
# Per definition (dropped with it): domain key -> its form class.
_FORMS: dict[int, tuple] = {}


def _choices(item: Question | Column) -> list[SelectChoice]:
    if item.type == "yes_no":
        return [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
    return [SelectChoice(option.value, option.label) for option in item.options or ()]


def _radio_or_select(item: Question | Column, extra: list[SelectChoice]) -> Field:
    choices = _choices(item) + extra
    if isinstance(item, Column) or len(choices) > RADIO_MAX:
        choices = [SelectChoice("", "— choose —"), *choices]
        return SelectField(item.text, choices=choices, validate_choice=False)
    return RadioField(item.text, choices=choices, validate_choice=False)


def _checkboxes(item: Question | Column, extra: list[SelectChoice]) -> Field:
    return CheckboxesField(item.text, choices=_choices(item) + extra, validate_choice=False)


def _text(limit: int, **attributes: str) -> Builder:
    def build(item: Question | Column, _extra: list[SelectChoice]) -> Field:
        return StringField(item.text, render_kw={"maxlength": limit, **attributes})

    return build


def _long_text(item: Question | Column, _extra: list[SelectChoice]) -> Field:
    return TextAreaField(item.text, render_kw={"maxlength": LONG_TEXT_MAX, "rows": 5})


BUILDERS: dict[str, Builder] = {
    "yes_no": _radio_or_select,
    "single_choice": _radio_or_select,
    "multiple_choice": _checkboxes,
    "countries": _text(1000, autocapitalize="characters", spellcheck="false"),
    "providers": _text(1000, list="provider-names"),
    "number": _text(40, inputmode="decimal"),
    "date": _text(10, type="date"),
    "short_text": _text(SHORT_TEXT_MAX),
    "long_text": _long_text,
}


def _group(question: Question) -> Field:
    """A table of rows: one sub-form per row, its cells built by the same registry."""
    attributes = {column.key: BUILDERS[column.type](column, []) for column in question.fields or ()}
    row_form = type(f"Row_{question.key}", (PlainForm,), attributes)
    return FieldList(FormField(row_form), question.text, min_entries=1)


def domain_form(definition: Definition, domain_key: str) -> type[FlaskForm]:
    """The form class of a domain of a definition (built once per definition and domain)."""
    forms = per_definition(_FORMS, definition, lambda _definition: {})
    found = forms.get(domain_key)
    if found is None:
        attributes: dict[str, Field] = {}
        for question in definition.questions:
            if question.domain != domain_key or question.type == "evidence":
                continue
            na = [NA_CHOICE] if question.allow_na and question.type in CHOICE_KINDS else []
            if question.type == "group":
                attributes[question.key] = _group(question)
            else:
                attributes[question.key] = BUILDERS[question.type](question, na)
            if question.allow_na and question.type not in CHOICE_KINDS:
                attributes[question.key + NA_BOX] = BooleanField("Not applicable")
            attributes[question.key + REV] = HiddenField()
        found = forms[domain_key] = type(f"Answers_{domain_key}", (FlaskForm,), attributes)
    return found


def form_data(
    question: Question, stored: Any, provider_labels: Mapping[str, str], revision: int
) -> dict[str, Any]:
    """The form's data for a stored answer (plain JSON): what each of its fields shows."""
    data: dict[str, Any] = {question.key + REV: str(revision)}
    is_na = stored == NA_TEXT
    if question.allow_na and question.type not in CHOICE_KINDS:
        data[question.key + NA_BOX] = is_na
        stored = None if is_na else stored
    if question.type == "group":
        rows = stored if isinstance(stored, list) else []
        data[question.key] = [
            SimpleNamespace(
                **{
                    column.key: _shown(column, row.get(column.key), provider_labels)
                    for column in question.fields or ()
                }
            )
            for row in rows
        ]
    else:
        data[question.key] = _shown(question, stored, provider_labels)
    return data


def _shown(item: Question | Column, stored: Any, provider_labels: Mapping[str, str]) -> Any:
    """A stored value as its field holds it: "yes", option values, "HK; SG", provider names."""
    if stored is None:
        return [] if item.type == "multiple_choice" else None
    if item.type == "yes_no":
        return stored if stored == NA_TEXT else ("yes" if stored else "no")
    if item.type == "multiple_choice":
        return [stored] if stored == NA_TEXT else list(stored)
    if item.type == "providers" and isinstance(stored, list):
        return "; ".join(provider_labels.get(key, key) for key in stored)
    if isinstance(stored, list):
        return "; ".join(map(str, stored))
    return str(stored)


def raw_answer(form: FlaskForm, question: Question) -> Any:
    """What the form holds for a question, in the shape `normalised` and `parse_answer` take."""
    if question.allow_na and question.type not in CHOICE_KINDS and form[question.key + NA_BOX].data:
        return NA_TEXT
    field = form[question.key]
    if question.type == "group":
        return [
            {column.key: entry.form[column.key].data for column in question.fields or ()}
            for entry in field.entries
        ]
    return field.data


def normalised(question: Question, raw: Any) -> Any:
    """Raw input from the page or the autosave script, made ready for `parse_answer`.

    Blank rows of a table are dropped (a row left empty is not an answer), "not applicable"
    ticked among the choices of a multiple choice becomes the answer n/a, and the line breaks
    browsers send (CRLF) become plain ones, so an untouched text compares equal to its answer.
    """
    if isinstance(raw, str):
        return raw.replace("\r\n", "\n")
    if question.type == "group" and isinstance(raw, list):
        return [
            row
            for row in raw
            if not isinstance(row, dict) or any(_filled(cell) for cell in row.values())
        ]
    if question.type == "multiple_choice" and isinstance(raw, list) and NA_TEXT in raw:
        if len(raw) > 1:
            raise AnswerError("“Not applicable” cannot be combined with other options")
        return NA_TEXT
    return raw


def _filled(cell: Any) -> bool:
    if isinstance(cell, list):
        return any(_filled(part) for part in cell)
    return cell is not None and str(cell).strip() != ""


def base_revision(form: FlaskForm, key: str) -> int:
    """The revision the question was loaded at (0: unanswered then; garbage reads as 0)."""
    text = form[key + REV].data or ""
    return int(text) if text.isdigit() else 0
