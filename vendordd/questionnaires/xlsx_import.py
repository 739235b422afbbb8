"""Reading a completed offline workbook back into checked answers and comments (pure)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from vendordd.questionnaires.answers import (
    LONG_TEXT_MAX,
    NA_TEXT,
    AnswerError,
    parse_answer,
)
from vendordd.questionnaires.schema import Column, Definition, Question
from vendordd.questionnaires.xlsx_layout import (
    ANSWER,
    COMMENT,
    GROUP_FIRST_ROW,
    GROUP_HEADER_ROW,
    HEADER,
    KEY,
    column_header,
    group_pointer,
    sheet_titles,
)
from vendordd.questionnaires.xlsx_reading import (
    CellError,
    Refused,
    identity_errors,
    open_workbook,
    read_table,
)
from vendordd.vendors.import_reading import is_blank


@dataclass(frozen=True)
class SheetImport:
    """What a workbook holds: checked answers and comments by question key, or its errors."""

    answers: dict[str, Any]
    comments: dict[str, str]
    errors: list[CellError]


def import_xlsx(
    definition: Definition, data: bytes, *, providers: Mapping[str, str] | None = None
) -> SheetImport:
    """The checked answers and comments in a workbook from `export_xlsx`, or every problem in it.

    Pure: nothing is stored. When anything is wrong, `errors` lists every problem by cell and
    `answers` and `comments` are empty, so a caller that stores only when `errors` is empty never
    stores part of a file. Blank answers are absent; evidence rows are never read (files are
    uploaded in the portal), so the caller keeps the evidence it has. `providers` is the
    lower-cased name/key -> key lookup that `parse_answer` takes.
    """
    try:
        with warnings.catch_warnings():
            # Excel's extensions (e.g. its own data validations) only cost formatting here.
            warnings.simplefilter("ignore")
            workbook = open_workbook(data)
            try:
                reading = _Reading(definition, workbook, providers)
                reading.run()
            finally:
                workbook.close()
    except Refused as refused:
        return SheetImport({}, {}, [CellError("", "", None, str(refused))])
    if reading.errors:
        return SheetImport({}, {}, reading.errors)
    return SheetImport(reading.answers, reading.comments, [])


class _Reading:
    """One pass over a workbook, collecting answers, comments and errors."""

    def __init__(
        self, definition: Definition, workbook: Workbook, providers: Mapping[str, str] | None
    ) -> None:
        self.definition, self.workbook, self.providers = definition, workbook, providers
        self.answers: dict[str, Any] = {}
        self.comments: dict[str, str] = {}
        self.errors: list[CellError] = []
        self.seen: dict[str, tuple[str, int]] = {}
        # A group question's Answer cell on its domain sheet: (sheet, row, raw value).
        self.pointers: dict[str, tuple[str, int, Any]] = {}

    def run(self) -> None:
        self.errors += identity_errors(self.workbook, self.definition)
        if self.errors:
            return  # another questionnaire's layout: its cells mean nothing here
        domains, groups = sheet_titles(self.definition)
        for title in domains.values():
            self._domain_sheet(title)
        for key, title in groups.items():
            self._group(self.definition.by_key[key], title)

    def _error(self, sheet: str, cell: str, question: str | None, message: str) -> None:
        self.errors.append(CellError(sheet, cell, question, message))

    def _domain_sheet(self, title: str) -> None:
        for number, cells in read_table(self.workbook, title, HEADER, 1, self.errors):
            self._question_row(title, number, cells)

    def _question_row(self, title: str, number: int, cells: tuple[Any, ...]) -> None:
        key_cell, raw, comment = cells[KEY - 1], cells[ANSWER - 1], cells[COMMENT - 1]
        where = f"A{number}"
        if is_blank(key_cell):
            if not (is_blank(raw) and is_blank(comment)):
                self._error(
                    title, where, None, "an answer without a key — don't change the Key column"
                )
            return
        key = str(key_cell).strip()
        question = self.definition.by_key.get(key)
        if question is None:
            self._error(
                title,
                where,
                key,
                f"no question {key!r} in {self.definition.key} {self.definition.version} — "
                "don't change the Key column",
            )
            return
        if key in self.seen:
            first_sheet, first_row = self.seen[key]
            self._error(title, where, key, f"{key} appears twice (also {first_sheet}!A{first_row})")
            return
        self.seen[key] = (title, number)
        self._comment(title, number, key, comment)
        if question.type == "group":
            self.pointers[key] = (title, number, raw)
        elif question.type != "evidence":
            self._answer(title, f"{get_column_letter(ANSWER)}{number}", question, raw)

    def _answer(self, title: str, cell: str, question: Question, raw: Any) -> None:
        try:
            value = parse_answer(question, raw, self.providers)
        except AnswerError as error:
            self._error(title, cell, question.key, str(error))
            return
        if value is not None:
            self.answers[question.key] = value

    def _comment(self, title: str, number: int, key: str, raw: Any) -> None:
        if is_blank(raw):
            return
        text = str(raw).strip()
        if len(text) > LONG_TEXT_MAX:
            self._error(
                title,
                f"{get_column_letter(COMMENT)}{number}",
                key,
                f"the comment is {len(text):,} characters; the limit is {LONG_TEXT_MAX:,}",
            )
        else:
            self.comments[key] = text

    def _group(self, question: Question, title: str) -> None:
        columns = question.fields or []
        headers = tuple(column_header(column) for column in columns)
        rows = [
            (number, {c.key: value for c, value in zip(columns, cells, strict=True)})
            for number, cells in read_table(
                self.workbook, title, headers, GROUP_HEADER_ROW, self.errors
            )
            if number >= GROUP_FIRST_ROW and not all(is_blank(value) for value in cells)
        ]
        sheet, number, raw = self.pointers.get(question.key, ("", 0, None))
        if not is_blank(raw) and raw != group_pointer(title):
            cell = f"{get_column_letter(ANSWER)}{number}"
            if str(raw).strip().lower() != NA_TEXT:
                self._error(sheet, cell, question.key, f"answer this table on sheet '{title}'")
            elif rows:
                self._error(
                    sheet, cell, question.key, f"{NA_TEXT} here, but sheet '{title}' has rows"
                )
            else:
                self._answer(sheet, cell, question, raw)
            return
        if not rows:
            return
        try:
            self.answers[question.key] = parse_answer(
                question, [row for _number, row in rows], self.providers
            )
        except AnswerError as error:
            self._locate(question, title, rows, error)

    def _locate(
        self, question: Question, title: str, rows: list[tuple[int, dict]], error: AnswerError
    ) -> None:
        """Report a group's problems cell by cell, checking each cell as a one-column group."""
        before = len(self.errors)
        for number, row in rows:
            for index, column in enumerate(question.fields or [], start=1):
                problem = self._cell_problem(question, column, row[column.key])
                if problem:
                    where = f"{get_column_letter(index)}{number}"
                    self._error(title, where, question.key, f"{column.text}: {problem}")
        if len(self.errors) == before:
            self._error(title, "", question.key, str(error))

    def _cell_problem(self, question: Question, column: Column, raw: Any) -> str | None:
        single = question.model_copy(update={"fields": [column]})
        try:
            parse_answer(single, [{column.key: raw}], self.providers)
        except AnswerError as error:
            return str(error).removeprefix(f"row 1, {column.text}: ")
        return None
