"""The route x role table: every endpoint, called by every role and by an anonymous visitor.

Adding a route? Add a line to EXPECTED (who may use it), and if its URL takes a new parameter,
add the object to the `objects` fixture and the parameter to its mapping.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from sqlmodel import select

from tests.assessments.helpers import scored_assessment
from tests.auth.apps import CSRF_INPUT, app_variant, csrf_token
from tests.conftest import NOW, PASSWORD, SYSTEM
from tests.questionnaires.sample_definitions import mini, publish
from tests.vendors.import_files import add_reference_data, csv_file, import_file, row
from vendordd.alerts.outbox import queue_email
from vendordd.assessments.evidence import add_evidence
from vendordd.assessments.models import Finding, RiskAcceptance
from vendordd.audit.models import AuditEvent
from vendordd.auth.access import PUBLIC as DECLARED_PUBLIC
from vendordd.concentration.dependencies import Resilience, add_dependency
from vendordd.concentration.providers import ProviderData, save_provider
from vendordd.portal.access import VENDOR_CONTACT
from vendordd.storage import storage_for
from vendordd.vendors import importing
from vendordd.vendors.models import BusinessFunction, Entity, Service, Vendor
from vendordd.vendors.services import add_contact

ANONYMOUS = "anonymous"
ROLES = ("admin", "procurement", "risk", "auditor")

PUBLIC = frozenset({ANONYMOUS, *ROLES})
STAFF = frozenset(ROLES)
ADMIN = frozenset({"admin"})
PROCUREMENT = frozenset({"admin", "procurement"})
AUDIT = frozenset({"admin", "auditor"})
RISK = frozenset({"admin", "risk"})
REVIEW_READERS = frozenset({"admin", "risk", "auditor"})
# Vendor portal pages: only a portal session opens them, never a staff role (see verdict).
CONTACT = VENDOR_CONTACT

EXPECTED: dict[str, frozenset[str]] = {
    # site-wide
    "home": PUBLIC,
    "healthz": PUBLIC,
    # auth
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.users": ADMIN,
    "auth.user_create": ADMIN,
    "auth.user_edit": ADMIN,
    "auth.user_password": ADMIN,
    # vendors
    "vendors.index": STAFF,
    "vendors.detail": STAFF,
    "vendors.new": PROCUREMENT,
    "vendors.edit": PROCUREMENT,
    "vendors.status": PROCUREMENT,
    "vendors.contact_add": PROCUREMENT,
    "vendors.contact_remove": PROCUREMENT,
    "vendors.service_new": PROCUREMENT,
    "vendors.service_edit": PROCUREMENT,
    # vendors: bulk import
    "vendors.import_form": PROCUREMENT,
    "vendors.import_upload": PROCUREMENT,
    "vendors.import_result": PROCUREMENT,
    "vendors.import_template_csv": PROCUREMENT,
    "vendors.import_template_xlsx": PROCUREMENT,
    # vendors: reference data
    "vendors.entities": ADMIN,
    "vendors.entity_edit": ADMIN,
    "vendors.functions": ADMIN,
    "vendors.function_edit": ADMIN,
    # audit trail
    "audit.index": AUDIT,
    "audit.export": AUDIT,
    # settings: admin changes them, risk and auditors read them
    "settings.data_location": frozenset({"admin", "risk", "auditor"}),
    "settings.data_location_save": ADMIN,
    "settings.attestation": frozenset({"admin", "risk", "auditor"}),
    "settings.attestation_save": ADMIN,
    "settings.concentration": frozenset({"admin", "risk", "auditor"}),
    "settings.concentration_save": ADMIN,
    # questionnaires: read-only pages for every staff role
    "questionnaires.index": STAFF,
    "questionnaires.detail": STAFF,
    "questionnaires.xlsx": STAFF,
    # assessments: every staff role reads scores
    "assessments.detail": STAFF,
    "assessments.xlsx": STAFF,
    "assessments.evidence_file": STAFF,
    # portal: evidence
    "portal.evidence": CONTACT,
    "portal.evidence_remove": CONTACT,
    "portal.evidence_file": CONTACT,
    # review: risk acts, auditors read
    "assessments.review_queue": REVIEW_READERS,
    "assessments.review": REVIEW_READERS,
    "assessments.review_accept": RISK,
    "assessments.review_clarify": RISK,
    "assessments.review_message": RISK,
    "assessments.review_return": RISK,
    "assessments.finding_create": RISK,
    "assessments.finding_update": RISK,
    "assessments.acceptance_record": RISK,
    "assessments.acceptance_approve": RISK,
    "assessments.decide": RISK,
    # vendor portal: contacts only (with a portal session, never a staff login)
    "portal.clarifications": CONTACT,
    "portal.clarification_reply": CONTACT,
    # outbox: admins read every email
    "alerts.outbox": ADMIN,
    "alerts.outbox_message": ADMIN,
    # assessments: procurement issues, reminds, invites and cancels; staff read the pipeline
    "assessments.issue": PROCUREMENT,
    "assessments.invitations": STAFF,
    "assessments.remind": PROCUREMENT,
    "assessments.invite": PROCUREMENT,
    "assessments.cancel": PROCUREMENT,
    "assessments.pipeline": STAFF,
    # vendor portal: the way in is open to anyone; the rest needs a portal session
    "portal.enter": PUBLIC,
    "portal.fresh_link": PUBLIC,
    "portal.new_link": PUBLIC,
    "portal.logout": CONTACT,
    "portal.overview": CONTACT,
    "portal.invite": CONTACT,
    "portal.submit": CONTACT,
    "portal.receipt": CONTACT,
    # vendor portal: answering
    "portal.domain": CONTACT,
    "portal.autosave": CONTACT,
    "portal.xlsx": CONTACT,
    "portal.xlsx_upload": CONTACT,
    # concentration: risk corrects the fourth-party map by hand
    "concentration.dependency_new": RISK,
    "concentration.dependency": RISK,
    "concentration.dependency_remove": RISK,
    # concentration: the provider registry
    "concentration.providers": REVIEW_READERS,
    "concentration.provider": REVIEW_READERS,
    "concentration.provider_new": RISK,
    "concentration.provider_edit": RISK,
    "concentration.provider_merge": RISK,
    # concentration: the page, each heatmap cell's services, each matrix as CSV, the single
    # points of failure
    "concentration.index": REVIEW_READERS,
    "concentration.cell": REVIEW_READERS,
    "concentration.csv": REVIEW_READERS,
    "concentration.single_points_list": REVIEW_READERS,
}

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
POST_METHOD = re.compile(r"""\bmethod\s*=\s*["']?post\b""", re.I)


def endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def test_the_table_names_exactly_the_registered_endpoints(app):
    registered = endpoints(app)
    missing = sorted(registered - set(EXPECTED))
    stale = sorted(set(EXPECTED) - registered)
    assert missing == [], f"add these endpoints to EXPECTED: {missing}"
    assert stale == [], f"these EXPECTED endpoints no longer exist: {stale}"


def test_each_view_declares_the_roles_the_table_expects(app):
    declared = {}
    for endpoint in EXPECTED:
        allowed = app.view_functions[endpoint].allowed_roles
        declared[endpoint] = PUBLIC if allowed == DECLARED_PUBLIC else frozenset(allowed)
    assert declared == EXPECTED


@dataclass(frozen=True)
class Call:
    endpoint: str
    method: str
    url: str


@pytest.fixture
def objects(app, db, make_user, tmp_path) -> dict[str, int | str]:
    """One of each object a URL can name, by URL parameter."""
    colleague = make_user("risk", email="colleague@bank.example", name="Colleague")
    add_reference_data(db)
    import_file(db, csv_file([row()]))
    vendor = db.exec(select(Vendor)).one()
    contact = add_contact(
        db,
        vendor=vendor,
        name="Vera Vendor",
        email="vera@vendor.example",
        role_title="Account manager",
        actor=SYSTEM,
        now=NOW,
    )
    db.commit()
    publish(db, tmp_path / "questionnaires", mini())
    assessment = scored_assessment(db, vendor, {"EG-01": "yes", "DR-01": "HK"})
    evidence = add_evidence(
        db,
        storage=storage_for(app),
        assessment=assessment,
        question_key="DR-01",
        filename="flows.txt",
        stream=io.BytesIO(b"data flows"),
        effective_on=None,
        expires_on=None,
        max_bytes=1024,
        now=NOW,
        actor=SYSTEM,
    )
    db.commit()
    finding, acceptance = _review_objects(db, assessment, colleague)
    message = queue_email(db, to=contact.email, subject="Invitation", body="Link", now=NOW)
    dependency = add_dependency(
        db,
        service=db.exec(select(Service)).one(),
        layer="cloud",
        provider="Acme Cloud",
        country=None,
        family=None,
        version=None,
        resilience=Resilience(),
        reason="Test",
        now=NOW,
        actor=SYSTEM,
    )
    provider = save_provider(
        db,
        data=ProviderData(name="Acme Models", kind="model_developer", hq_country="US"),
        now=NOW,
        actor=SYSTEM,
    )
    db.commit()
    import_event = db.exec(
        select(AuditEvent).where(AuditEvent.action == importing.IMPORT_ACTION)
    ).one()
    return {
        "vendor_id": vendor.id,
        "service_id": db.exec(select(Service)).one().id,
        "contact_id": contact.id,
        "entity_id": db.exec(select(Entity)).first().id,
        "function_id": db.exec(select(BusinessFunction)).first().id,
        "user_id": colleague.id,
        "event_id": import_event.id,
        "key": "mini",
        "version": "1.0.0",
        "assessment_id": assessment.id,
        "question_key": "DR-01",
        "evidence_id": evidence.id,
        "finding_id": finding.id,
        "acceptance_id": acceptance.id,
        "message_id": message.id,
        "dependency_id": dependency.id,
        "provider_id": provider.id,
        "token": "no-such-link",
        "domain_key": "embedded",
    }


def _review_objects(db, assessment, user) -> tuple[Finding, RiskAcceptance]:
    """A finding and a risk acceptance on the assessment, for the review routes."""
    finding = Finding(
        assessment_id=assessment.id,
        vendor_id=assessment.vendor_id,
        question_key="DR-01",
        severity="low",
        description="Test",
        created_at=NOW,
        created_by_id=user.id,
        updated_at=NOW,
    )
    acceptance = RiskAcceptance(
        assessment_id=assessment.id,
        justification="J",
        compensating_controls="C",
        expires_on=NOW.date(),
        requested_by_id=user.id,
        requested_at=NOW,
    )
    db.add_all([finding, acceptance])
    db.commit()
    return finding, acceptance


def calls(app, params: dict[str, int | str]) -> list[Call]:
    """GET for every endpoint that answers it, else POST; logout last (it ends the session)."""
    result = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            unknown = sorted(set(rule.arguments) - set(params))
            assert not unknown, f"{rule.endpoint}: add {unknown} to the objects fixture"
            url = app.url_for(rule.endpoint, **{name: params[name] for name in rule.arguments})
            method = "GET" if "GET" in rule.methods else "POST"
            result.append(Call(rule.endpoint, method, url))
    return sorted(result, key=lambda c: (c.method != "GET", c.endpoint == "auth.logout", c.url))


def missing_csrf(page: str) -> list[str]:
    """Opening tags of POST forms on the page that carry no CSRF token."""
    return [
        f"<form{attributes}>"
        for attributes, body in FORM.findall(page)
        if POST_METHOD.search(attributes) and not CSRF_INPUT.search(body)
    ]


def verdict(who: str, call: Call, response) -> str | None:
    """What is wrong with the answer `who` got, or None."""
    status = response.status_code
    if status >= 500:
        return f"answered {status}"
    if EXPECTED[call.endpoint] == CONTACT:
        # Staff logins do not open the portal; everyone without a portal session gets its page.
        return None if status == 401 else f"answered {status} instead of the portal's 401 page"
    if who in EXPECTED[call.endpoint]:
        return "answered 403 to a role the table allows" if status == 403 else None
    if who == ANONYMOUS:
        if status != 302 or not response.location.startswith("/login"):
            return f"answered {status} to an anonymous visitor instead of a redirect to /login"
        return None
    return None if status == 403 else f"answered {status} to a role the table forbids"


@pytest.mark.parametrize("who", [ANONYMOUS, *ROLES])
def test_every_route_answers_every_role_as_the_table_says(app, make_user, objects, who):
    with app_variant(app, csrf_enabled=True) as secured:
        client = secured.test_client()
        token = csrf_token(client.get("/login").text)
        if who != ANONYMOUS:
            user = make_user(who)
            response = client.post(
                "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
            )
            assert response.status_code == 302
        problems, visited = [], set()
        for call in calls(secured, objects):
            if call.method == "GET":
                response = client.get(call.url)
            else:
                response = client.post(call.url, data={"csrf_token": token})
            visited.add(call.endpoint)
            problem = verdict(who, call, response)
            if problem:
                problems.append(f"{call.method} {call.url} ({call.endpoint}): {problem}")
            if response.mimetype == "text/html":
                page = response.get_data(as_text=True)
                problems += [
                    f"{call.url}: POST form without csrf_token: {form}"
                    for form in missing_csrf(page)
                ]
                found = CSRF_INPUT.search(page)
                token = found.group(1) if found else token
            response.close()
    assert problems == []
    assert visited == set(EXPECTED)
