"""Evidence in the portal: the page, uploads and their refusals, removal, downloads, isolation."""

from __future__ import annotations

import hashlib
import io

from sqlmodel import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.auth.apps import app_variant, csrf_token
from tests.evidence import files
from tests.evidence.conftest import open_assessment, stored_files, upload
from tests.portal.helpers import portal_client_for
from vendordd.assessments.models import Evidence
from vendordd.assessments.workflow import SUBMITTED


def post_file(client, name: str, content: bytes, key: str = "EV-01", **fields):
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    values = {"file": FileStorage(io.BytesIO(content), name), **fields}
    boundary, body = encode_multipart(values)
    return client.post(
        f"/portal/evidence/{key}",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_the_page_shows_what_is_asked_and_the_files(client, db, world):
    upload(db, world, "soc2.pdf", files.pdf())
    page = portal_client_for(client, db, world.contact, world.assessment).get(
        "/portal/evidence/EV-01"
    )
    assert page.status_code == 200
    assert "Provide your latest SOC 2 Type II report." in page.text
    assert "SOC 2 Type II report" in page.text and "(required)" in page.text
    assert "soc2.pdf" in page.text and hashlib.sha256(files.pdf()).hexdigest() in page.text
    assert 'enctype="multipart/form-data"' in page.text and "Remove" in page.text


def test_an_upload_is_stored_and_listed(client, db, world):
    portal_client_for(client, db, world.contact, world.assessment)
    response = post_file(
        client, "register.xlsx", files.xlsx(), effective_on="2026-01-01", expires_on="2026-12-31"
    )
    assert response.status_code == 302
    (evidence,) = db.exec(select(Evidence)).all()
    assert (evidence.filename, evidence.expires_on.isoformat()) == ("register.xlsx", "2026-12-31")
    assert evidence.uploaded_by.startswith("Vera <vera@acme.example>")
    page = client.get(response.location)
    assert "&#39;register.xlsx&#39; uploaded." in page.text and "XLSX" in page.text


def test_a_disguised_upload_is_refused_with_a_message_by_the_field(client, db, world):
    portal_client_for(client, db, world.contact, world.assessment)
    response = post_file(client, "report.pdf", files.EXECUTABLE)
    assert response.status_code == 422
    assert "&#39;report.pdf&#39; is not a PDF: its content is not one of the accepted types" in (
        response.text
    )
    assert 'id="file-error"' in response.text
    assert db.exec(select(Evidence)).all() == [] and stored_files(world) == []


def test_an_oversized_upload_is_refused_with_the_limit(app, client, db, world):
    app.config["VENDORDD"].evidence_max_mb = 1
    portal_client_for(client, db, world.contact, world.assessment)
    response = post_file(client, "big.pdf", files.pdf() + b"0" * (1024 * 1024))
    assert response.status_code == 422
    assert "larger than 1 MB, the largest evidence file accepted. Nothing was stored." in (
        response.text
    )
    assert db.exec(select(Evidence)).all() == [] and stored_files(world) == []


def test_a_request_beyond_the_server_limit_gets_a_clear_413(app, db, world):
    with app_variant(app, csrf_enabled=True) as secured:
        secured.config["MAX_CONTENT_LENGTH"] = 64 * 1024
        client = portal_client_for(secured.test_client(), db, world.contact, world.assessment)
        token = csrf_token(client.get("/portal/evidence/EV-01").text)
        response = post_file(
            client, "huge.pdf", files.pdf() + b"0" * (128 * 1024), csrf_token=token
        )
    assert response.status_code == 413
    assert (
        "The upload is larger than this server accepts: at most 0.0625 MB per upload, and 20 MB "
        "per evidence file. Nothing was stored; go back and choose a smaller file."
    ) in response.text
    assert db.exec(select(Evidence)).all() == [] and stored_files(world) == []


def test_expiry_before_the_effective_date_is_refused_at_the_field(client, db, world):
    portal_client_for(client, db, world.contact, world.assessment)
    response = post_file(
        client, "soc2.pdf", files.pdf(), effective_on="2026-06-01", expires_on="2026-01-01"
    )
    assert response.status_code == 422
    assert 'id="expires_on-error">The expiry date must be after the effective date.' in (
        response.text
    )


def test_removal_keeps_the_file_and_its_record(client, db, world):
    evidence = upload(db, world, "soc2.pdf", files.pdf())
    portal_client_for(client, db, world.contact, world.assessment)
    response = client.post(f"/portal/evidence/file/{evidence.id}/remove")
    assert response.status_code == 302 and response.location.endswith("/portal/evidence/EV-01")
    db.expire_all()
    assert db.get(Evidence, evidence.id).removed_at is not None
    assert stored_files(world) == [evidence.storage_key]
    assert "soc2.pdf" not in client.get("/portal/evidence/EV-01").text.split("Files uploaded")[1]
    assert client.get(f"/portal/evidence/file/{evidence.id}").status_code == 404


def test_a_submitted_assessment_is_read_only(client, db, world):
    evidence = upload(db, world, "soc2.pdf", files.pdf())
    world.assessment.status = SUBMITTED
    db.commit()
    portal_client_for(client, db, world.contact, world.assessment)
    page = client.get("/portal/evidence/EV-01")
    assert "cannot change now: the assessment is submitted" in page.text
    assert "Remove" not in page.text and 'type="file"' not in page.text
    response = post_file(client, "late.pdf", files.pdf())
    assert response.status_code == 422
    assert "The assessment is submitted; its evidence can no longer change." in response.text
    client.post(f"/portal/evidence/file/{evidence.id}/remove")
    db.expire_all()
    assert db.get(Evidence, evidence.id).removed_at is None
    assert len(db.exec(select(Evidence)).all()) == 1


def test_a_download_is_an_attachment_of_the_checked_type(client, db, world):
    evidence = upload(db, world, "Prüfbericht 2026.pdf", files.pdf())
    portal_client_for(client, db, world.contact, world.assessment)
    response = client.get(f"/portal/evidence/file/{evidence.id}")
    body = response.data
    response.close()
    assert response.status_code == 200 and body == files.pdf()
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Prufbericht 2026.pdf"; '
        "filename*=UTF-8''Pr%C3%BCfbericht%202026.pdf"
    )


def test_another_vendors_evidence_is_not_found_and_unknown_questions_neither(client, db, world):
    _vendor, other_contact, other = open_assessment(db, "Other AI Ltd", "olga@other.example")
    theirs = upload(db, world, "ours.pdf", files.pdf())
    portal_client_for(client, db, other_contact, other)
    assert client.get(f"/portal/evidence/file/{theirs.id}").status_code == 404
    assert client.post(f"/portal/evidence/file/{theirs.id}/remove").status_code == 404
    assert client.get("/portal/evidence/EG-01").status_code == 404  # asks for no evidence
    assert client.get("/portal/evidence/NOPE").status_code == 404
    db.expire_all()
    assert db.get(Evidence, theirs.id).removed_at is None
    assert "ours.pdf" not in client.get("/portal/evidence/EV-01").text


def test_without_a_portal_session_nothing_is_served(client, db, world):
    evidence = upload(db, world, "soc2.pdf", files.pdf())
    for response in (
        client.get("/portal/evidence/EV-01"),
        client.get(f"/portal/evidence/file/{evidence.id}"),
        post_file(client, "x.pdf", files.pdf()),
    ):
        assert response.status_code == 401
        assert "This page needs the link from your invitation email." in response.text
    assert len(db.exec(select(Evidence)).all()) == 1
