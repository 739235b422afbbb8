"""A questionnaire version as an XLSX workbook to complete offline, optionally with answers."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from vendordd.questionnaires.answers import NA, NA_TEXT, parse_answer
from vendordd.questionnaires.loading import content_hash
from vendordd.questionnaires.schema import Column, Definition, Option, Question
from vendordd.questionnaires.wording import TYPE_LABELS, condition_text
from vendordd.questionnaires.xlsx_instructions import write_instructions
from vendordd.questionnaires.xlsx_layout import (
    ANSWER,
    COMMENT,
    GROUP_BLANK_ROWS,
    GROUP_FIRST_ROW,
    GROUP_HEADER_ROW,
    HEADER,
    LISTS,
    META,
    WIDTHS,
    allowed_text,
    column_header,
    group_pointer,
    put,
    sheet_titles,
)

HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
ANSWER_FILL = PatternFill("solid", fgColor="FFF6D5")
READ_ONLY_FILL = PatternFill("solid", fgColor="EEEEEE")
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"
# Typed as text so that Excel keeps "NO", "1; 2" or "2026-01-01" as written.
TEXT_TYPES = frozenset(
    {"multiple_choice", "countries", "providers", "short_text", "long_text", "evidence"}
)
# Excel caps an inline dropdown list at 255 characters; longer lists go on the lists sheet.
INLINE_MAX = 250


def export_xlsx(
    definition: Definition,
    answers: Mapping[str, Any] | None = None,
    *,
    comments: Mapping[str, str] | None = None,
    provider_names: Sequence[str] = (),
    provider_labels: Mapping[str, str] | None = None,
) -> bytes:
    """The workbook: instructions, a sheet per domain and per repeating group, answers filled in.

    `answers` are checked values or their stored JSON form (`dump_answer`); one that does not
    fit its question raises AnswerError. `provider_names` fill the providers dropdown;
    `provider_labels` (provider key -> name) show stored keys by name.
    """
    checked = {
        key: parse_answer(definition.by_key[key], value)
        for key, value in (answers or {}).items()
        if key in definition.by_key
    }
    workbook = Workbook()
    write_instructions(workbook.active, definition)
    lists = _Lists()
    writer = _Writer(checked, lists, provider_names, provider_labels or {})
    domains, groups = sheet_titles(definition)
    for domain in definition.domains:
        questions = [item for item in definition.questions if item.domain == domain.key]
        sheet = workbook.create_sheet(domains[domain.key])
        _write_domain(sheet, questions, definition, writer, groups, comments or {})
        for question in questions:
            if question.type == "group":
                _write_group(workbook.create_sheet(groups[question.key]), question, writer)
    lists.write(workbook.create_sheet(LISTS))
    _write_meta(workbook.create_sheet(META), definition)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cell_value(
    item: Question | Column, value: Any, provider_labels: Mapping[str, str] | None = None
) -> Any:
    """A checked answer as a spreadsheet cell shows it: labels, "Yes", "HK; SG", real dates."""
    if value is None or value is NA:
        return None if value is None else NA_TEXT
    kind = item.type
    if kind == "yes_no":
        return "Yes" if value else "No"
    if kind == "single_choice":
        return next((o.label for o in item.options or () if o.value == value), value)
    if kind == "multiple_choice":
        texts = {option.value: _choice_text(option) for option in item.options or ()}
        return "; ".join(texts.get(chosen, chosen) for chosen in value)
    if kind == "providers":
        return "; ".join((provider_labels or {}).get(key, key) for key in value)
    if kind in ("countries", "evidence"):
        return "; ".join(value)
    return value


def _choice_text(option: Option) -> str:
    # A label with ";" would split into two answers on the way back; the value reads back safely.
    return option.value if ";" in option.label or "\n" in option.label else option.label


class _Lists:
    """Dropdown lists: short ones inline, long ones as a column of the hidden lists sheet."""

    def __init__(self) -> None:
        self.columns: dict[tuple[str, ...], int] = {}

    def formula(self, values: Sequence[str]) -> str:
        inline = ",".join(values)
        if len(inline) <= INLINE_MAX and not any("," in value or '"' in value for value in values):
            return f'"{inline}"'
        column = self.columns.setdefault(tuple(values), len(self.columns) + 1)
        letter = get_column_letter(column)
        return f"{quote_sheetname(LISTS)}!${letter}$1:${letter}${len(values)}"

    def write(self, sheet: Worksheet) -> None:
        for values, column in self.columns.items():
            for row, value in enumerate(values, start=1):
                put(sheet.cell(row, column), value)
        sheet.sheet_state = "hidden"


class _Writer:
    """Fills answer cells: the value, its number format and its dropdown."""

    def __init__(
        self,
        answers: Mapping[str, Any],
        lists: _Lists,
        provider_names: Sequence[str],
        provider_labels: Mapping[str, str],
    ) -> None:
        self.answers, self.lists = answers, lists
        self.provider_names, self.provider_labels = list(provider_names), provider_labels
        self.validations: dict[tuple[str, str, bool], DataValidation] = {}

    def fill(self, sheet: Worksheet, cell: Cell, item: Question | Column, value: Any) -> None:
        put(cell, cell_value(item, value, self.provider_labels))
        if item.type == "date":
            cell.number_format = DATE_FORMAT
        elif item.type in TEXT_TYPES:
            cell.number_format = "@"
        choices = self._choices(item)
        if choices:
            # Providers accept names beyond the list (reviewed later), and several of them.
            self._dropdown(sheet, cell.coordinate, choices, strict=item.type != "providers")

    def _choices(self, item: Question | Column) -> list[str]:
        if item.type == "yes_no":
            choices = ["Yes", "No"]
        elif item.type == "single_choice":
            choices = [option.label for option in item.options or ()]
        elif item.type == "providers":
            return self.provider_names
        else:
            return []
        return [*choices, NA_TEXT] if getattr(item, "allow_na", False) else choices

    def _dropdown(self, sheet: Worksheet, where: str, choices: list[str], *, strict: bool) -> None:
        formula = self.lists.formula(choices)
        validation = self.validations.get((sheet.title, formula, strict))
        if validation is None:
            validation = DataValidation(
                type="list",
                formula1=formula,
                allow_blank=True,
                showErrorMessage=strict,
                errorStyle="warning",
                errorTitle="Not in the list",
                error="Choose an answer from the list; the upload checks every cell.",
            )
            sheet.add_data_validation(validation)
            self.validations[(sheet.title, formula, strict)] = validation
        validation.add(where)


def _write_domain(
    sheet: Worksheet,
    questions: list[Question],
    definition: Definition,
    writer: _Writer,
    groups: dict[str, str],
    comments: Mapping[str, str],
) -> None:
    for column, title in enumerate(HEADER, start=1):
        put(sheet.cell(1, column), title)
    for row, question in enumerate(questions, start=2):
        described = (
            question.key,
            question.text,
            _help(question, definition),
            TYPE_LABELS[question.type],
            "Yes" if question.required else "No",
            allowed_text(question, groups.get(question.key)),
        )
        for column, text in enumerate(described, start=1):
            put(sheet.cell(row, column), text)
        answer = sheet.cell(row, ANSWER)
        value = writer.answers.get(question.key)
        if question.type == "group":
            put(answer, NA_TEXT if value is NA else group_pointer(groups[question.key]))
        else:
            writer.fill(sheet, answer, question, value)
        answer.fill = READ_ONLY_FILL if question.type in ("group", "evidence") else ANSWER_FILL
        put(sheet.cell(row, COMMENT), comments.get(question.key))
    _style(sheet, HEADER, WIDTHS)
    sheet.freeze_panes = "B2"


def _help(question: Question, definition: Definition) -> str | None:
    parts = [question.help]
    if question.show_if is not None:
        parts.append(f"Asked only when {condition_text(question.show_if, definition)}.")
    if question.evidence is not None:
        parts.append(
            f"Evidence ({question.evidence.requirement}): {question.evidence.description}"
            " (upload it in the portal)."
        )
    return "\n".join(part for part in parts if part) or None


def _write_group(sheet: Worksheet, question: Question, writer: _Writer) -> None:
    columns = question.fields or []
    put(sheet.cell(1, 1), f"{question.key}: {question.text} (one row each; leave spare rows empty)")
    sheet.cell(1, 1).font = Font(bold=True)
    for number, column in enumerate(columns, start=1):
        put(sheet.cell(GROUP_HEADER_ROW, number), column_header(column))
        hint = sheet.cell(GROUP_HEADER_ROW + 1, number)
        put(hint, allowed_text(column))
        hint.font = Font(italic=True, color="555555")
    value = writer.answers.get(question.key)
    rows = value if isinstance(value, tuple) else ()
    for offset in range(len(rows) + GROUP_BLANK_ROWS):
        row = rows[offset] if offset < len(rows) else {}
        for number, column in enumerate(columns, start=1):
            cell = sheet.cell(GROUP_FIRST_ROW + offset, number)
            writer.fill(sheet, cell, column, row.get(column.key))
    headers = [column_header(column) for column in columns]
    _style(sheet, headers, [max(14, min(40, len(text) + 4)) for text in headers], GROUP_HEADER_ROW)
    sheet.freeze_panes = sheet.cell(GROUP_FIRST_ROW, 1).coordinate


def _style(sheet: Worksheet, header: Sequence[str], widths: Sequence[int], header_row=1) -> None:
    for row in sheet.iter_rows(min_row=header_row, max_col=len(header)):
        for cell in row:
            cell.alignment = WRAP
    for cell in sheet[header_row][: len(header)]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width


def _write_meta(sheet: Worksheet, definition: Definition) -> None:
    facts = (
        ("key", definition.key),
        ("version", definition.version),
        ("content_hash", content_hash(definition)),
        ("title", definition.title),
    )
    for row, (name, value) in enumerate(facts, start=1):
        put(sheet.cell(row, 1), name)
        put(sheet.cell(row, 2), value)
    sheet.sheet_state = "hidden"
