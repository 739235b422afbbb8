"""Checking raw answers against their question: accepted forms, error messages, dumping back."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendordd.questionnaires.answers import (
    NA,
    AnswerError,
    dump_answer,
    parse_answer,
    parse_answers,
)
from vendordd.questionnaires.schema import Definition, Question
from vendordd.vendors.validation import countries

PROVIDERS = {
    "openai": "openai",
    "azure openai service": "azure-openai",
    "azure-openai": "azure-openai",
}


def question(type_: str, **fields) -> Question:
    return Question.model_validate(
        {
            "key": "Q-01",
            "domain": "d",
            "text": "A question?",
            "type": type_,
            "regulatory": ["EU-DORA 28"],
        }
        | fields
    )


CHOICES = [
    {"value": "api", "label": "Through an API"},
    {"value": "siem", "label": "Streamed to the SIEM"},
    {"value": "none", "label": "None of these", "exclusive": True},
]
YES_NO = question("yes_no")
SINGLE = question("single_choice", options=CHOICES[:2])
MULTIPLE = question("multiple_choice", options=CHOICES)
COUNTRIES = question("countries")
PROVIDER = question("providers")
NUMBER = question("number", unit="days", min=0, max=1500)
DATE = question("date")
SHORT = question("short_text")
LONG = question("long_text")
EVIDENCE = question("evidence")
GROUP = question(
    "group",
    fields=[
        {"key": "developer", "text": "Developer", "type": "providers"},
        {"key": "version", "text": "Version", "type": "short_text", "required": False},
        {"key": "default_on", "text": "On by default", "type": "yes_no", "required": False},
    ],
)

ACCEPTED = [
    (YES_NO, "yes", True),
    (YES_NO, "No", False),
    (YES_NO, " Y ", True),
    (YES_NO, "false", False),
    (YES_NO, True, True),
    (SINGLE, "siem", "siem"),
    (SINGLE, "through an api", "api"),
    (SINGLE, " Streamed to the SIEM ", "siem"),
    (MULTIPLE, "api; siem", ("api", "siem")),
    (MULTIPLE, ["Through an API", "siem", "api"], ("api", "siem")),
    (MULTIPLE, "none", ("none",)),
    (COUNTRIES, "HK; SG", ("HK", "SG")),
    (COUNTRIES, "hk, sg  de", ("HK", "SG", "DE")),
    (COUNTRIES, ["SG", "HK", "SG"], ("SG", "HK")),
    (COUNTRIES, "NO", ("NO",)),
    (PROVIDER, "OpenAI; Azure OpenAI Service", ("openai", "azure-openai")),
    (PROVIDER, ["azure-openai", "Acme Models"], ("azure-openai", "Acme Models")),
    (NUMBER, "1,200", 1200),
    (NUMBER, "29.5", 29.5),
    (NUMBER, 0, 0),
    (NUMBER, " 1500 ", 1500),
    (DATE, "2026-08-20", date(2026, 8, 20)),
    (DATE, date(2026, 8, 20), date(2026, 8, 20)),
    (DATE, datetime(2026, 8, 20, 14, 5), date(2026, 8, 20)),
    (SHORT, "  GPT-4o  ", "GPT-4o"),
    (SHORT, 4, "4"),
    (LONG, "x" * 20_000, "x" * 20_000),
    (EVIDENCE, "soc2.pdf; iso.pdf", ("soc2.pdf", "iso.pdf")),
    (
        GROUP,
        [{"developer": "OpenAI", "version": "2024-08-06"}],
        ({"developer": ("openai",), "version": "2024-08-06"},),
    ),
    (
        GROUP,
        [{"developer": "OpenAI", "default_on": "no"}],
        ({"developer": ("openai",), "default_on": False},),
    ),
]


@pytest.mark.parametrize("item, raw, expected", ACCEPTED)
def test_accepted_forms(item, raw, expected):
    assert parse_answer(item, raw, PROVIDERS) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", [], ()])
def test_blank_is_no_answer(raw):
    assert parse_answer(NUMBER, raw) is None


@pytest.mark.parametrize("raw", ["n/a", "N/A", " n/a "])
def test_na_where_the_question_allows_it(raw):
    assert parse_answer(question("number", allow_na=True), raw) is NA


REFUSED = [
    (YES_NO, "maybe", "answer yes or no, not 'maybe'"),
    (SINGLE, "ftp", "'ftp' is not one of the options: Through an API; Streamed to the SIEM"),
    (MULTIPLE, "api; none", "'None of these' cannot be combined with other options"),
    (MULTIPLE, "api; ftp", "'ftp' is not one of the options"),
    (COUNTRIES, "HK; UK; XX", "not an ISO 3166 alpha-2 country code: UK, XX (e.g. HK, SG, DE)"),
    (NUMBER, "-1", "-1 is below the minimum of 0 days"),
    (NUMBER, 1501, "1501 is above the maximum of 1500 days"),
    (NUMBER, "thirty", "answer with a number, not 'thirty'"),
    (NUMBER, True, "answer with a number"),
    (NUMBER, "inf", "answer with a finite number"),
    (DATE, "20/08/2026", "answer with a date as YYYY-MM-DD, not '20/08/2026'"),
    (NUMBER, "n/a", "this question cannot be answered n/a"),
    (SHORT, "x" * 501, "the answer is 501 characters; the limit is 500"),
    (LONG, "x" * 20_001, "the answer is 20,001 characters; the limit is 20,000"),
    (SHORT, {"a": 1}, "answer with text"),
    (GROUP, "OpenAI", "a repeating group is answered with a list of rows"),
    (GROUP, [{"version": "1"}], "row 1, Developer: an answer is required"),
    (GROUP, [{"developer": "OpenAI"}, {}], "row 2, Developer: an answer is required"),
    (
        GROUP,
        [{"developer": "OpenAI"}, {"developer": "Anthropic", "colour": "red"}],
        "row 2: no column colour",
    ),
    (
        GROUP,
        [{"developer": "OpenAI", "default_on": "perhaps"}],
        "row 1, On by default: answer yes or no",
    ),
]


@pytest.mark.parametrize("item, raw, message", REFUSED)
def test_refused_answers_say_what_is_wrong(item, raw, message):
    with pytest.raises(AnswerError) as raised:
        parse_answer(item, raw)

    assert message in str(raised.value)


def test_parse_answers_keeps_good_answers_and_reports_each_bad_one():
    definition = Definition.model_validate(
        {
            "key": "mini",
            "version": "1.2.0",
            "title": "Mini",
            "description": "Mini.",
            "domains": [{"key": "d", "title": "D", "weight": 1}],
            "questions": [
                YES_NO.model_dump(by_alias=True) | {"key": "A"},
                NUMBER.model_dump(by_alias=True) | {"key": "B"},
                SHORT.model_dump(by_alias=True) | {"key": "C"},
            ],
        }
    )

    answers, errors = parse_answers(definition, {"A": "yes", "B": "lots", "C": "", "Z": "1"})

    assert answers == {"A": True}
    assert errors == {
        "B": "answer with a number, not 'lots'",
        "Z": "no question 'Z' in mini 1.2.0",
    }


@pytest.mark.parametrize("item, raw, expected", ACCEPTED)
def test_dump_answer_inverts_parse_answer(item, raw, expected):
    dumped = dump_answer(expected)

    assert json.loads(json.dumps(dumped)) == dumped  # plain JSON data, as stored
    assert parse_answer(item, dumped, PROVIDERS) == expected


def test_na_and_dates_dump_as_text():
    assert dump_answer(NA) == "n/a"
    assert parse_answer(question("number", allow_na=True), dump_answer(NA)) is NA
    assert dump_answer(date(2026, 1, 2)) == "2026-01-02"


@given(st.lists(st.sampled_from(sorted(countries())), min_size=1, max_size=8))
def test_country_answers_round_trip_through_text(codes):
    checked = parse_answer(COUNTRIES, "; ".join(codes))

    assert checked == tuple(dict.fromkeys(codes))
    assert parse_answer(COUNTRIES, dump_answer(checked)) == checked


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_date_answers_round_trip(day):
    assert parse_answer(DATE, dump_answer(parse_answer(DATE, day.isoformat()))) == day
