"""Reading a completed workbook back: every type round-trips; every problem is named by cell."""

from __future__ import annotations

import io
from datetime import date, datetime
from functools import partial

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tests.questionnaires.xlsx_samples import (
    ANSWERS,
    EVIDENCE,
    FULL_ROW,
    NA_ANSWERS,
    PROVIDER_LABELS,
    PROVIDERS,
    edit,
    every_type,
    row_of,
)
from vendordd.concentration.services import seed_entries
from vendordd.questionnaires.answer_files import load_answer_file
from vendordd.questionnaires.answers import NA, AnswerError, dump_answer, parse_answer
from vendordd.questionnaires.loading import load_definition
from vendordd.questionnaires.schema import Column, Definition, Question
from vendordd.questionnaires.xlsx_export import export_xlsx
from vendordd.questionnaires.xlsx_import import CellError, import_xlsx
from vendordd.questionnaires.xlsx_layout import sheet_titles
from vendordd.resources import resource_dir

PROFILE = "Profile - the vendor (and its"
RESIDENCY = "Data residency - transfers"
GROUP = "GR-01 Question GR-01"


def blank() -> bytes:
    return export_xlsx(every_type())


def answer_cell(data: bytes, key: str) -> tuple[str, str]:
    """(sheet, "G<row>") of a question's Answer cell."""
    for sheet in (PROFILE, RESIDENCY):
        try:
            return sheet, f"G{row_of(data, sheet, key)}"
        except AssertionError:
            continue
    raise AssertionError(key)


def typed(data: bytes, answers: dict, **cells) -> bytes:
    """The workbook with Answer cells typed in, by question key, plus any other cells."""
    found = {answer_cell(data, key): value for key, value in answers.items()}
    return edit(data, found | {tuple(where.split("!")): value for where, value in cells.items()})


def errors_of(result) -> list[tuple[str, str, str | None]]:
    assert result.answers == {} and result.comments == {}  # nothing usable from a bad file
    return [(error.sheet, error.cell, error.question) for error in result.errors]


@pytest.mark.parametrize("answers", [ANSWERS, ANSWERS | NA_ANSWERS], ids=["values", "n/a"])
def test_every_type_round_trips(answers):
    definition = every_type()
    comments = {"YN-01": "See our AI policy.", "EV-01": "Report due in May.", "GR-01": "More"}
    data = export_xlsx(
        definition,
        answers | {"EV-01": EVIDENCE},
        comments=comments,
        provider_names=sorted(PROVIDER_LABELS.values()),
        provider_labels=PROVIDER_LABELS,
    )
    result = import_xlsx(definition, data, providers=PROVIDERS)
    assert result.errors == []
    assert result.answers == answers  # evidence is uploaded in the portal, never read from here
    assert result.comments == comments


def test_answers_as_stored_json_export_like_checked_ones():
    definition = every_type()
    stored = {key: dump_answer(value) for key, value in (ANSWERS | NA_ANSWERS).items()}
    assert stored["YN-01"] == "n/a" and stored["DA-01"] == "2026-03-31"
    result = import_xlsx(definition, export_xlsx(definition, stored), providers=PROVIDERS)
    assert result.errors == [] and result.answers == ANSWERS | NA_ANSWERS


def test_a_blank_workbook_imports_as_no_answers():
    result = import_xlsx(every_type(), blank())
    assert (result.answers, result.comments, result.errors) == ({}, {}, [])


def test_cells_filled_in_as_a_user_would():
    data = blank()
    filled = typed(
        data,
        {
            "YN-01": "Yes",
            "SC-01": "yes, with sccs",
            "SC-02": "region_03",
            "MC-01": "Encryption in transit;Encryption at rest\nencryption at rest",
            "EV-01": "my-scan.pdf",  # evidence typed here is not read
            "CO-01": "hk sg, de",
            "PR-01": "azure openai service; Harbor Vector DB",
            "NU-01": "1,00",
            "NU-02": 12.5,
            "DA-01": datetime(2026, 4, 1, 0, 0),
            "ST-01": 42,
            "LT-01": "  Several\nlines  ",
            "GR-01": "n/a",
        },
        **{f"{RESIDENCY}!H{row_of(data, RESIDENCY, 'CO-01')}": "Also a DR site."},
    )
    result = import_xlsx(every_type(), filled, providers=PROVIDERS)
    assert result.errors == []
    assert result.answers == {
        "YN-01": True,
        "SC-01": "scc",
        "SC-02": "region_03",
        "MC-01": ("transit", "rest"),
        "CO-01": ("HK", "SG", "DE"),
        "PR-01": ("azure-openai", "Harbor Vector DB"),
        "NU-01": 100,
        "NU-02": 12.5,
        "DA-01": date(2026, 4, 1),
        "ST-01": "42",
        "LT-01": "Several\nlines",
        "GR-01": NA,
    }
    assert result.comments == {"CO-01": "Also a DR site."}


def test_group_rows_filled_in_with_gaps_between_them():
    cells = {
        "A4": "OpenAI",
        "B4": "Models",
        "C4": "yes",
        "D4": "Model developer",
        "F4": "US",
        "G4": "40",
        "A9": "Azure OpenAI Service",
        "B9": "Hosting",
        "C9": "No",
        "D9": "Hosting",
        "E9": "Prompts; Outputs",
        "F9": "SE; IE",
        "H9": datetime(2024, 5, 1),
    }
    data = edit(blank(), {(GROUP, cell): value for cell, value in cells.items()})
    result = import_xlsx(every_type(), data, providers=PROVIDERS)
    assert result.errors == []
    assert result.answers == {
        "GR-01": (
            {"provider": ("openai",), "name": "Models", "is_ai": True, "role": "model"}
            | {"where": ("US",), "share": 40},
            {key: value for key, value in FULL_ROW.items() if key != "share"}
            | {"name": "Hosting", "is_ai": False},
        )
    }


def test_wrong_values_are_reported_cell_by_cell_and_nothing_is_kept():
    data = blank()
    bad = {
        "YN-01": "Maybe",
        "SC-02": "Hosting region number 99",
        "MC-01": "None of these; Encryption at rest",
        "CO-01": "HK; XX",
        "NU-01": "lots",
        "NU-02": 101,
        "DA-01": "31/03/2026",
        "ST-01": "x" * 501,
    }
    filled = typed(data, bad | {"LT-01": "A fine answer", "SC-01": "n/a"})
    result = import_xlsx(every_type(), filled)
    assert errors_of(result) == [(*answer_cell(data, key), key) for key in bad]
    messages = {error.question: error.message for error in result.errors}
    assert messages["YN-01"] == "answer yes or no, not 'Maybe'"
    assert "is not one of the options" in messages["SC-02"]
    assert messages["MC-01"] == "'None of these' cannot be combined with other options"
    assert "XX" in messages["CO-01"]
    assert messages["NU-02"] == "101 is above the maximum of 100 %"
    assert "YYYY-MM-DD" in messages["DA-01"]
    assert "the limit is 500" in messages["ST-01"]
    assert str(result.errors[0]) == f"{PROFILE}!G2 (YN-01): answer yes or no, not 'Maybe'"


def test_n_a_only_where_the_question_allows_it():
    data = typed(blank(), {"CO-01": "n/a", "YN-01": "N/A"})
    result = import_xlsx(every_type(), data)
    assert errors_of(result) == [(RESIDENCY, "G2", "CO-01")]
    assert result.errors[0].message == "this question cannot be answered n/a"


def test_unknown_repeated_and_missing_keys_are_reported():
    data = blank()
    cells = {
        (PROFILE, "A3"): "SC-99",
        (PROFILE, "A4"): "YN-01",
        (PROFILE, "G4"): "Yes",
        (PROFILE, "A5"): None,
        (PROFILE, "G5"): "Encryption at rest",
        (RESIDENCY, "A20"): "NOTE",
    }
    result = import_xlsx(every_type(), edit(data, cells))
    assert errors_of(result) == [
        (PROFILE, "A3", "SC-99"),
        (PROFILE, "A4", "YN-01"),
        (PROFILE, "A5", None),
        (RESIDENCY, "A20", "NOTE"),
    ]
    assert [error.message for error in result.errors[:3]] == [
        "no question 'SC-99' in every-type 2.1.0 — don't change the Key column",
        f"YN-01 appears twice (also {PROFILE}!A2)",
        "an answer without a key — don't change the Key column",
    ]


def test_group_problems_name_the_row_and_column():
    cells = {
        "A4": "OpenAI",
        "B4": "Models",
        "C4": "Perhaps",
        "D4": "Hosting",
        "F4": "US; ZZ",
        "B6": "A row with no provider",
        "C6": "Yes",
        "D6": "Hosting",
        "F6": "HK",
        "G6": "250",
    }
    data = edit(blank(), {(GROUP, cell): value for cell, value in cells.items()})
    result = import_xlsx(every_type(), data)
    assert errors_of(result) == [(GROUP, cell, "GR-01") for cell in ("C4", "F4", "A6", "G6")]
    assert [error.message for error in result.errors] == [
        "Uses AI: answer yes or no, not 'Perhaps'",
        "Countries: not an ISO 3166 alpha-2 country code: ZZ (e.g. HK, SG, DE)",
        "Provider: an answer is required",
        "Share: 250 is above the maximum of 100 %",
    ]


def test_a_table_is_answered_on_its_sheet_not_in_its_row():
    data = blank()
    where = answer_cell(data, "GR-01")
    result = import_xlsx(every_type(), edit(data, {where: "See the list we sent"}))
    assert errors_of(result) == [(*where, "GR-01")]
    assert result.errors[0].message == f"answer this table on sheet '{GROUP}'"
    both = edit(data, {where: "n/a", (GROUP, "B4"): "Storage"})
    result = import_xlsx(every_type(), both)
    assert errors_of(result) == [(*where, "GR-01")]
    assert result.errors[0].message == f"n/a here, but sheet '{GROUP}' has rows"


def test_a_workbook_for_another_version_or_questionnaire_is_refused():
    definition = every_type()
    older = export_xlsx(definition.model_copy(update={"version": "2.0.0"}), ANSWERS)
    result = import_xlsx(definition, older)
    assert errors_of(result) == [("_questionnaire", "B2", None)]
    assert str(result.errors[0]) == (
        "_questionnaire!B2: this file is for every-type 2.0.0; the assessment uses every-type "
        "2.1.0 — download a fresh copy"
    )
    other = export_xlsx(definition.model_copy(update={"key": "other"}), ANSWERS)
    assert errors_of(import_xlsx(definition, other)) == [("_questionnaire", "B1", None)]
    changed = export_xlsx(definition.model_copy(update={"title": "Edited"}), ANSWERS)
    result = import_xlsx(definition, changed)
    assert errors_of(result) == [("_questionnaire", "B3", None)]
    assert "other content of every-type 2.1.0" in result.errors[0].message


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"key,answer\nYN-01,yes\n", "not an Excel workbook (.xlsx)"),
        (b"", "not an Excel workbook (.xlsx)"),
        (b"PK\x03\x04 this is no zip archive", "damaged or not a real .xlsx"),
        (export_xlsx(every_type())[:3000], "damaged or not a real .xlsx"),
        (save(Workbook()), "has no _questionnaire sheet"),
    ],
    ids=["csv", "empty", "not-a-zip", "truncated", "foreign-workbook"],
)
def test_a_file_that_is_not_the_workbook_is_refused(data, message):
    result = import_xlsx(every_type(), data)
    assert len(result.errors) == 1 and message in str(result.errors[0])
    assert result.errors[0].sheet == "" and result.answers == {}


def test_renamed_sheets_and_moved_columns_are_refused():
    book = load_workbook(io.BytesIO(blank()))
    book[RESIDENCY].title = "Residency"
    book[PROFILE].insert_cols(3)
    book[GROUP]["B2"] = "Name"
    result = import_xlsx(every_type(), save(book))
    assert [str(error) for error in result.errors] == [
        f"{PROFILE}!C1: expected the column 'Help' here — don't insert, move or rename columns",
        f"{RESIDENCY}: the sheet is missing — don't rename or delete sheets",
        f"{GROUP}!B2: expected the column 'Service *' here — don't insert, move or rename columns",
    ]


def test_an_oversized_sheet_or_comment_is_refused():
    book = load_workbook(io.BytesIO(blank()))
    book[GROUP]["B2001"] = "row two thousand and one"
    book[PROFILE]["H2"] = "x" * 20_001
    result = import_xlsx(every_type(), save(book))
    assert [str(error) for error in result.errors] == [
        f"{PROFILE}!H2 (YN-01): the comment is 20,001 characters; the limit is 20,000",
        f"{GROUP}: the sheet has more than 2,000 rows; no questionnaire sheet needs that many —"
        " delete the extra rows",
    ]


def test_cell_error_reads_as_sheet_cell_question_message():
    assert str(CellError("Residency", "F12", "DR-01a", "bad")) == "Residency!F12 (DR-01a): bad"
    assert str(CellError("Residency", "", None, "missing")) == "Residency: missing"
    assert str(CellError("", "", None, "not a workbook")) == "not a workbook"


# No "\r": XML turns a line break into "\n" whatever it was (reported to the lead).
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n;,'\"="),
    min_size=1,
    max_size=40,
)
NAME = TEXT.filter(lambda text: ";" not in text and "\n" not in text)


def values(item: Question | Column) -> st.SearchStrategy:
    """Raw answers of the item's type; the test checks them with parse_answer before use."""
    kind, options = item.type, [option for option in item.options or ()]
    several = partial(st.lists, min_size=1, max_size=4, unique=True)
    strategy = {
        "yes_no": st.booleans,
        "single_choice": lambda: st.sampled_from([option.value for option in options]),
        "multiple_choice": lambda: several(
            st.sampled_from([option.value for option in options if not option.exclusive])
        ),
        "countries": lambda: several(st.sampled_from(["HK", "SG", "DE", "NO", "US", "CN"])),
        "providers": lambda: several(st.sampled_from(list(PROVIDER_LABELS)) | NAME),
        # Excel keeps 15 significant digits; answers (percentages, days, amounts) need fewer.
        "number": lambda: (
            st.integers(int(item.min or 0), int(item.max or 10**9))
            | st.floats(item.min or 0, item.max or 1e9).map(lambda number: round(number, 6))
        ),
        "date": st.dates,
        "short_text": lambda: TEXT,
        "long_text": lambda: TEXT,
    }[kind]()
    if kind == "group":
        return strategy
    return st.just("n/a") | strategy if getattr(item, "allow_na", False) else strategy


def group_rows(question: Question) -> st.SearchStrategy:
    columns = question.fields or []
    row = st.fixed_dictionaries(
        {column.key: values(column) for column in columns if column.required},
        optional={column.key: values(column) for column in columns if not column.required},
    )
    rows = st.lists(row, min_size=1, max_size=3)
    return st.just("n/a") | rows if question.allow_na else rows


def answer_sets(definition: Definition) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {},
        optional={
            question.key: group_rows(question) if question.type == "group" else values(question)
            for question in definition.questions
            if question.type != "evidence"
        },
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=answer_sets(every_type()))
def test_any_valid_answers_round_trip(raw):
    definition = every_type()
    try:
        answers = {
            key: parse_answer(definition.by_key[key], value, PROVIDERS)
            for key, value in raw.items()
        }
    except AnswerError:
        assume(False)
    answers = {key: value for key, value in answers.items() if value is not None}
    data = export_xlsx(definition, answers, provider_labels=PROVIDER_LABELS)
    result = import_xlsx(definition, data, providers=PROVIDERS)
    assert result.errors == []
    assert result.answers == answers


STANDARD = resource_dir("questionnaires") / "genai-due-diligence.yaml"


@pytest.fixture(scope="module")
def standard() -> Definition:
    return load_definition(STANDARD)


@pytest.mark.skipif(not STANDARD.is_file(), reason="the standard questionnaire is not written yet")
@pytest.mark.parametrize("demo", [None, "strong", "weak", "knockouts", "no-genai"])
def test_the_standard_questionnaire_round_trips(standard, demo):
    definition = standard
    seed = seed_entries()
    lookup = {entry.name.lower(): entry.key for entry in seed} | {e.key: e.key for e in seed}
    labels = {entry.key: entry.name for entry in seed}
    answers = {}
    if demo:
        loaded = load_answer_file(STANDARD.parent / "demo" / f"{demo}.yaml", definition, lookup)
        assert loaded.errors == {} and len(loaded.answers) >= 20
        answers = loaded.answers
    names = sorted(labels.values())
    data = export_xlsx(definition, answers, provider_names=names, provider_labels=labels)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "Instructions" and book["_questionnaire"]["B2"].value == "1.0.0"
    domains, groups = sheet_titles(definition)
    assert set(book.sheetnames) == {*domains.values(), *groups.values()} | {
        *("Instructions", "_lists", "_questionnaire")
    }
    result = import_xlsx(definition, data, providers=lookup)
    assert result.errors == []
    evidence = {q.key for q in definition.questions if q.type == "evidence"}
    expected = {key: value for key, value in answers.items() if key not in evidence}
    assert result.answers == expected
