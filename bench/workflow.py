"""The assessment workflow on a synthetic book: median server time of the pipeline, the review
queue, a review page and the vendor portal's section page and autosave, on SQLite or PostgreSQL.

.venv/bin/python -m bench.workflow [--vendors 10000] [--database-url URL] [--runs 20]

The book has one assessment per vendor of the standard questionnaire (bench.scoring builds it);
their statuses are then spread over the pipeline (sent, in progress, overdue, submitted,
clarification, decided) so that every list filters a realistic mix.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session, select

from bench.book import BENCH_PASSWORD, build_book
from bench.common import empty_database, median_ms
from bench.scoring import build_assessments, demo_files
from vendordd import create_app
from vendordd.assessments.models import Answer, Assessment, AssessmentContact
from vendordd.auth.magic_links import exchange_link, issue_link
from vendordd.portal.access import PORTAL_COOKIE, PORTAL_PATH
from vendordd.questionnaires.loading import load_definition
from vendordd.resources import resource_dir
from vendordd.vendors.models import Contact

TARGET_MS = 100  # our own bar for a page; no issue names one
# Assessment id modulo 6 -> status; due dates in the past for every third one with the vendor.
SPREAD = ["sent", "in_progress", "submitted", "clarification", "decided", "submitted"]


def spread_statuses(engine) -> None:
    """Give the book's assessments a mix of statuses and due dates (some overdue)."""
    today = date.today()
    with engine.begin() as conn:
        for remainder, status in enumerate(SPREAD):
            conn.execute(
                text(
                    "UPDATE assessment SET status = :status, due_on = :due, issued_at = :issued,"
                    " submitted_at = :submitted WHERE id % 6 = :remainder"
                ),
                {
                    "status": status,
                    "due": today - timedelta(days=10 if remainder == 1 else -20),
                    "issued": datetime.now(UTC) - timedelta(days=40),
                    "submitted": datetime.now(UTC) - timedelta(days=remainder),
                    "remainder": remainder,
                },
            )


def portal_cookie(engine, assessment_id: int) -> str:
    """A portal session for a new contact of the assessment's vendor."""
    now = datetime.now(UTC)
    with Session(engine) as session:
        assessment = session.get(Assessment, assessment_id)
        contact = Contact(
            vendor_id=assessment.vendor_id, name="Bench", email="bench@v.test", created_at=now
        )
        session.add(contact)
        session.flush()
        session.add(
            AssessmentContact(
                assessment_id=assessment_id, contact_id=contact.id, invited_at=now, invited_by="b"
            )
        )
        link = issue_link(
            session, contact_id=contact.id, assessment_id=assessment_id, now=now, days=1
        )
        token = exchange_link(session, token=link, now=now, hours=2)
        session.commit()
    return token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    engine, url, workdir = empty_database(args.database_url)
    start = time.perf_counter()
    build_book(engine, args.vendors)
    definition = load_definition(resource_dir("questionnaires") / "genai-due-diligence.yaml")
    count, answers = build_assessments(engine, definition)
    spread_statuses(engine)
    print(f"database: {engine.dialect.name}; book: {count:,} assessments, {answers:,} answers")
    print(f"built in {time.perf_counter() - start:.1f} s")
    with Session(engine) as session:
        review_id = session.exec(
            select(Assessment.id).where(Assessment.status == "submitted", Assessment.tier == "T1")
        ).first()
        portal_id = session.exec(
            select(Assessment.id).where(Assessment.status == "in_progress")
        ).first()
    app = create_app({"database_url": url, "instance_path": workdir, "csrf_enabled": False})
    staff = app.test_client()
    staff.post("/login", data={"email": "risk@bench.test", "password": BENCH_PASSWORD})
    pages = {
        "pipeline, first page": "/assessments/pipeline",
        "pipeline, overdue": "/assessments/pipeline?status=overdue",
        "pipeline, name search": "/assessments/pipeline?q=0042",
        "review queue": "/assessments/review",
        "review page (a T1 assessment)": f"/assessments/{review_id}/review",
    }
    for name, path in pages.items():
        status = staff.get(path).status_code
        assert status == 200, f"{path} answered {status}"
        value = median_ms(lambda path=path: staff.get(path), args.runs)
        print(f"{name}: {value:.1f} ms (target: < {TARGET_MS} ms)")
    vendor = app.test_client()
    vendor.set_cookie(PORTAL_COOKIE, portal_cookie(engine, portal_id), path=PORTAL_PATH)
    section = definition.domains[0].key
    strong = demo_files(definition)["strong"].answers
    key = next(q.key for q in definition.questions if q.type == "number" and q.key in strong)
    with Session(engine) as session:
        revision = session.exec(
            select(Answer.revision).where(
                Answer.assessment_id == portal_id, Answer.question_key == key
            )
        ).first()
    saved = {"revision": revision or 0, "value": strong[key]}

    def autosave():
        """Save a changed value each time (two values in turn), from the revision the last
        save returned."""
        saved["value"] = strong[key] + (saved["value"] == strong[key])
        response = vendor.post(
            f"/portal/answers/{key}",
            json={"value": saved["value"], "base_revision": saved["revision"]},
        )
        saved["revision"] = response.get_json()["revision"]
        return response

    for name, call in {
        "portal overview": lambda: vendor.get("/portal/"),
        f"portal section page ({section})": lambda: vendor.get(f"/portal/domains/{section}"),
        f"portal autosave, a changed answer ({key})": autosave,
    }.items():
        response = call()
        assert response.status_code == 200, f"{name} answered {response.status_code}"
        value = median_ms(call, args.runs)
        print(f"{name}: {value:.1f} ms (target: < {TARGET_MS} ms)")
    engine.dispose()


if __name__ == "__main__":
    main()
