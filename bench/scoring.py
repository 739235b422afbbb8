"""Scoring: one response in memory, and rescoring a whole book from SQLite or PostgreSQL.

.venv/bin/python -m bench.scoring [--vendors 10000] [--database-url URL] [--runs 5]

The book has one assessment per vendor, pinned to the standard questionnaire, answered like
one of the demo vendors (strong, weak, knockouts, no GenAI) with a fifth of the choice and number
answers changed at random, so that responses differ as in a real book.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import timeit
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bench.book import NOW, build_book
from bench.common import empty_database
from vendordd.assessments.models import Answer, Assessment
from vendordd.assessments.rescoring import rescore_all
from vendordd.assessments.scope import combine_scope
from vendordd.audit.services import Actor
from vendordd.questionnaires.answer_files import AnswerFile, load_answer_file
from vendordd.questionnaires.answers import dump_answer
from vendordd.questionnaires.loading import load_definition
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.questionnaires.schema import Definition, Question
from vendordd.questionnaires.services import publish_all
from vendordd.resources import resource_dir
from vendordd.scoring import Context, score
from vendordd.vendors.models import Entity, Service, ServiceEntity

ONE_TARGET_US, BOOK_TARGET_S = 100, 5
STANDARD = "genai-due-diligence"
DEMOS = {"strong": 4, "weak": 3, "knockouts": 1, "no-genai": 2}  # file -> how often it is drawn
POLICY = {"customer_personal": frozenset({"HK", "SG"}), "regulated": frozenset({"HK"})}
CHANGED_SHARE = 0.2


def demo_files(definition: Definition) -> dict[str, AnswerFile]:
    folder = resource_dir("questionnaires") / "demo"
    return {name: load_answer_file(folder / f"{name}.yaml", definition) for name in DEMOS}


def bench_one(definition: Definition, runs: int) -> float:
    """Median µs to score the strong demo response, as written in its file's context."""
    strong = demo_files(definition)["strong"]
    written = strong.context
    context = Context(
        tier=written["tier"],
        as_of=date(2026, 11, 1),
        regimes=frozenset(written["regimes"]),
        data_class=written["data_class"],
        use_case=written["use_case"],
        is_critical=bool(written["critical"]),
        allowed_countries=POLICY,
    )
    score(definition, strong.answers, context)  # compile the plan once, as a server would
    samples = timeit.repeat(
        lambda: score(definition, strong.answers, context), number=1000, repeat=max(runs, 5)
    )
    return statistics.median(samples) * 1000  # seconds per 1000 calls -> µs per call


def changed(question: Question, value: Any, rng: random.Random) -> Any:
    """Another valid answer to a choice or number question (others stay as they are)."""
    if question.type == "yes_no":
        return rng.random() < 0.5
    options = [option.value for option in question.options or () if not option.exclusive]
    if question.type == "single_choice":
        return rng.choice([option.value for option in question.options or ()])
    if question.type == "multiple_choice":
        return tuple(rng.sample(options, rng.randint(1, len(options))))
    if question.type == "number":
        low, high = question.min or 0, question.max or 1000
        return rng.randint(int(low), int(min(high, low + 1000)))
    return value


def build_assessments(engine: Engine, definition: Definition, seed: int = 11) -> tuple[int, int]:
    """One assessment per vendor with its answers, bulk-inserted; returns (assessments, answers)."""
    rng = random.Random(seed)
    with Session(engine) as session:
        publish_all(session, now=NOW, actor=Actor.system("bench"))
        session.commit()
        version_id = session.exec(
            select(QuestionnaireVersion.id).where(QuestionnaireVersion.key == STANDARD)
        ).one()
        services: dict[int, list[Service]] = {}
        for service in session.exec(select(Service)).all():
            services.setdefault(service.vendor_id, []).append(service)
        regimes: dict[int, set[str]] = {}
        for vendor_id, entity_regimes in session.exec(
            select(Service.vendor_id, Entity.regimes)
            .join(ServiceEntity, ServiceEntity.service_id == Service.id)
            .join(Entity, Entity.id == ServiceEntity.entity_id)
        ):
            regimes.setdefault(vendor_id, set()).update(entity_regimes)
    files = demo_files(definition)
    names = [name for name, weight in DEMOS.items() for _ in range(weight)]
    assessments, answers = [], []
    for vendor_id, vendor_services in sorted(services.items()):
        scope = combine_scope(vendor_services, regimes.get(vendor_id, ()))
        assert scope is not None
        assessments.append(
            {
                "id": vendor_id,
                "vendor_id": vendor_id,
                "questionnaire_version_id": version_id,
                "status": "submitted",
                "tier": scope.tier,
                "regimes": list(scope.regimes),
                "data_class": scope.data_class,
                "use_case": scope.use_case,
                "is_critical": scope.is_critical,
                "created_at": NOW,
            }
        )
        for key, value in files[rng.choice(names)].answers.items():
            if rng.random() < CHANGED_SHARE:
                value = changed(definition.by_key[key], value, rng)
            answers.append(
                {
                    "assessment_id": vendor_id,
                    "question_key": key,
                    "value": dump_answer(value),
                    "updated_at": NOW,
                }
            )
    with engine.begin() as conn:
        conn.execute(insert(Assessment), assessments)
        for start in range(0, len(answers), 50_000):
            conn.execute(insert(Answer), answers[start : start + 50_000])
    return len(assessments), len(answers)


def score_book(engine: Engine, workers: int) -> None:
    """Score every assessment of the book, as `assessments rescore` does, and commit."""
    with Session(engine) as session:
        rescore_all(
            session,
            now=NOW,
            actor=Actor.system("bench"),
            allowed_countries=POLICY,
            workers=workers,
        )
        session.commit()


def bench_rescore(engine: Engine, runs: int, workers: int) -> list[float]:
    """Seconds per full rescoring of the book, committed, for each run."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        score_book(engine, workers)
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="as `assessments rescore` uses"
    )
    args = parser.parse_args()
    definition = load_definition(resource_dir("questionnaires") / f"{STANDARD}.yaml")
    value = bench_one(definition, args.runs)
    print(
        f"score_one_response: {value:.1f} µs (target: < {ONE_TARGET_US} µs median)"
        f" [{len(definition.questions)} questions, strong demo answers, tier T1]"
    )
    engine, _url, _workdir = empty_database(args.database_url)
    start = time.perf_counter()
    build_book(engine, args.vendors)
    count, answers = build_assessments(engine, definition)
    print(
        f"database: {engine.dialect.name}; book: {count:,} assessments, {answers:,} answers"
        f" ({answers / count:.0f} per assessment), built in {time.perf_counter() - start:.1f} s"
    )
    samples = bench_rescore(engine, args.runs, args.workers)
    runs = ", ".join(f"{sample:.2f}" for sample in samples)
    print(
        f"rescore_book: {statistics.median(samples):.2f} s (target: < {BOOK_TARGET_S} s)"
        f" [median of {len(samples)} runs: {runs}; {args.workers} worker processes]"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
