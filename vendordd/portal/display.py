"""Stored answers as people read them, for read-only questions and conflict messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vendordd.questionnaires.answers import NA_TEXT, AnswerError, parse_answer
from vendordd.questionnaires.schema import Question
from vendordd.questionnaires.xlsx_export import cell_value


def answer_text(question: Question, stored: Any, provider_labels: Mapping[str, str]) -> str:
    """'Yes', 'Encryption at rest; Keys held by the bank', 'HK; SG', rows of a table, …"""
    if stored is None:
        return "no answer"
    if stored == NA_TEXT:
        return "Not applicable"
    try:
        value = parse_answer(question, stored)
    except AnswerError:
        return str(stored)  # a value the version no longer reads: shown as stored
    if question.type != "group":
        return _text(cell_value(question, value, provider_labels))
    columns = question.fields or ()
    return " | ".join(
        ", ".join(
            f"{column.text}: {_text(cell_value(column, row[column.key], provider_labels))}"
            for column in columns
            if column.key in row
        )
        for row in value
    )


def _text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)
