"""Answers in words on the review page: labels, lists, one line per group row."""

from __future__ import annotations

from pathlib import Path

from vendordd.assessments.review_view import AnswerWords
from vendordd.questionnaires.answer_files import load_answer_file
from vendordd.questionnaires.answers import dump_answer
from vendordd.questionnaires.loading import load_definition

ROOT = Path(__file__).resolve().parents[2] / "questionnaires"


def test_every_answer_type_reads_as_words():
    definition = load_definition(ROOT / "genai-due-diligence.yaml")
    answers = load_answer_file(ROOT / "demo" / "strong.yaml", definition).answers
    words = AnswerWords(definition, {"openai": "OpenAI", "anthropic": "Anthropic"})

    def said(key: str) -> str:
        return words(key, dump_answer(answers[key]))

    assert said("EG-01") == "Yes"
    assert said("DR-01a") == "HK; SG"
    assert said("CN-01a") == "OpenAI; Anthropic"
    assert said("LG-01").startswith("User and tenant identity; Timestamp; ")
    rows = said("EG-01a").split("\n")
    assert len(rows) == len(answers["EG-01a"]) > 1
    assert rows[0].startswith("Feature: Advisor Assist; What it does: Drafts answers")
    assert words("EG-01", None) is None
    assert words("DR-04a", "many") == "many (no longer fits the question)"


def test_an_evidence_answer_reads_as_its_file_names():
    definition = load_definition(ROOT / "genai-due-diligence.yaml")
    key = next(question.key for question in definition.questions if question.type == "evidence")
    words = AnswerWords(definition, {}, {"7": "soc2-type2.pdf", "9": "iso42001.pdf"})

    assert words(key, ["7", "9"]) == "soc2-type2.pdf; iso42001.pdf"
    assert words(key, ["12"]) == "file 12"  # a reference with no record left is still shown
