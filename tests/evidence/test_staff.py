"""Staff downloads of evidence, and the request size limit that follows the evidence limit."""

from __future__ import annotations

from tests.conftest import NOW, SYSTEM
from tests.evidence import files
from tests.evidence.conftest import open_assessment, upload
from vendordd import request_limit
from vendordd.assessments.evidence import MB, remove_evidence
from vendordd.config import Config


def download(client, assessment_id: int, evidence_id: int):
    response = client.get(f"/assessments/{assessment_id}/evidence/{evidence_id}")
    body = response.data
    response.close()
    return response, body


def test_staff_download_an_attachment_with_the_checked_type(client, db, world, login_as):
    evidence = upload(db, world, 'notes "final".csv', files.csv())
    login_as("auditor")
    response, body = download(client, world.assessment.id, evidence.id)
    assert response.status_code == 200 and body == files.csv()
    assert response.mimetype == "text/csv" and response.content_length == len(files.csv())
    assert response.headers["Content-Disposition"] == 'attachment; filename="notes \\"final\\".csv"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_staff_still_download_a_file_the_vendor_removed(client, db, world, login_as):
    evidence = upload(db, world, "old.png", files.png())
    remove_evidence(db, assessment=world.assessment, evidence_id=evidence.id, now=NOW, actor=SYSTEM)
    db.commit()
    login_as("risk")
    response, body = download(client, world.assessment.id, evidence.id)
    assert response.status_code == 200 and body == files.png()


def test_evidence_is_found_only_under_its_own_assessment(client, db, world, login_as):
    evidence = upload(db, world, "soc2.pdf", files.pdf())
    _vendor, _contact, other = open_assessment(db, "Other AI Ltd", "olga@other.example")
    login_as("procurement")
    assert download(client, other.id, evidence.id)[0].status_code == 404
    assert download(client, world.assessment.id, evidence.id + 1)[0].status_code == 404
    assert download(client, 99_999, evidence.id)[0].status_code == 404


def test_the_request_limit_follows_the_evidence_limit_and_keeps_imports_working():
    assert request_limit(Config(evidence_max_mb=20)) == 25 * MB  # 25 MB spreadsheet imports
    assert request_limit(Config(evidence_max_mb=100)) == 101 * MB  # the file and its form


def test_the_app_applies_the_request_limit(app):
    assert app.config["MAX_CONTENT_LENGTH"] == request_limit(app.config["VENDORDD"]) == 25 * MB


def test_the_assessment_page_lists_the_evidence_with_download_links(client, db, world, login_as):
    evidence = upload(db, world, "soc2.pdf", files.pdf())
    login_as("risk")
    page = client.get(f"/assessments/{world.assessment.id}").text
    assert f'href="/assessments/{world.assessment.id}/evidence/{evidence.id}"' in page
    assert evidence.sha256 in page and "EV-01 Provide your latest SOC 2 Type II report." in page


def test_the_vendor_history_names_the_upload_and_its_fingerprint(client, db, world, login_as):
    evidence = upload(db, world, "soc2.pdf", files.pdf())
    login_as("auditor")
    page = client.get(f"/vendors/{world.vendor.id}").text
    assert "Evidence uploaded" in page and evidence.sha256 in page and "soc2.pdf" in page
