"""A small book with known dependencies, so every figure on the concentration page is by hand.

Services (weights on the criticality basis: T1 counts 4, low reliance 2):
  S1 Alpha/Advisor  T1 (4)  HK      Payments  OpenAI   Azure        US   not substitutable
  S2 Alpha/Search   T4 (2)  HK, SG  Lending   OpenAI   AWS
  S3 Beta/Chat      T3 (2)  SG      Payments  Anthropic AWS, Azure
  S4 Beta/Notes     T4 (2)  SG      Lending   Anthropic (twice) + OpenAI removed
Azure and OpenAI belong to Microsoft (ultimate parent). Alpha is active with a scored
assessment at 90 %; Beta is onboarding and not scored.
"""

from __future__ import annotations

from sqlmodel import select

from tests.assessments.helpers import scored_assessment
from tests.conftest import NOW
from tests.questionnaires.sample_definitions import mini, publish
from tests.vendors.test_services import make_service, make_vendor
from vendordd.concentration.models import Dependency, Provider
from vendordd.vendors.models import BusinessFunction, Entity


def provider(db, key: str, name: str, kind: str, parent: Provider | None = None) -> Provider:
    row = Provider(
        key=key,
        name=name,
        kind=kind,
        parent_id=parent.id if parent else None,
        hq_country="US",
        created_at=NOW,
        updated_at=NOW,
    )
    db.add(row)
    db.flush()
    return row


def depend(db, service, layer: str, target=None, *, country=None, removed=False, **fields):
    db.add(
        Dependency(
            vendor_id=service.vendor_id,
            service_id=service.id,
            layer=layer,
            provider_id=target.id if target else None,
            country=country,
            source="manual",
            created_at=NOW,
            updated_at=NOW,
            removed_at=NOW if removed else None,
            **fields,
        )
    )


def build(db, tmp_path) -> dict:
    """The book above; returns its objects by name."""
    hk, sg = Entity(name="HK bank"), Entity(name="SG bank")
    payments, lending = BusinessFunction(name="Payments"), BusinessFunction(name="Lending")
    db.add_all([hk, sg, payments, lending])
    db.flush()
    microsoft = provider(db, "microsoft", "Microsoft", "parent_company")
    openai = provider(db, "openai", "OpenAI", "model_developer", microsoft)
    anthropic = provider(db, "anthropic", "Anthropic", "model_developer")
    aws = provider(db, "aws", "AWS", "cloud")
    azure = provider(db, "azure", "Azure", "cloud", microsoft)
    db.commit()
    alpha = make_vendor(db, "Alpha AI Ltd")
    beta = make_vendor(db, "Beta Labs Ltd")
    alpha.status, beta.status = "active", "onboarding"
    db.add_all([alpha, beta])
    db.commit()
    s1 = make_service(db, alpha, "Advisor", tier=1, entity_ids=[hk.id], function_ids=[payments.id])
    s2 = make_service(
        db, alpha, "Search", tier=4, entity_ids=[hk.id, sg.id], function_ids=[lending.id]
    )
    s3 = make_service(db, beta, "Chat", tier=3, entity_ids=[sg.id], function_ids=[payments.id])
    s4 = make_service(db, beta, "Notes", tier=4, entity_ids=[sg.id], function_ids=[lending.id])
    depend(db, s1, "model_developer", openai, substitutability="not_substitutable")
    depend(db, s1, "cloud", azure)
    depend(db, s1, "processing_country", country="US")
    depend(db, s2, "model_developer", openai, is_failover_tested=True)
    depend(db, s2, "cloud", aws)
    depend(db, s3, "model_developer", anthropic)
    depend(db, s3, "cloud", aws)
    depend(db, s3, "cloud", azure)
    depend(db, s4, "model_developer", anthropic)
    depend(db, s4, "model_developer", anthropic)
    depend(db, s4, "model_developer", openai, removed=True)
    db.commit()
    publish(db, tmp_path / "questionnaires", mini())
    assessment = scored_assessment(db, alpha, {"EG-01": "yes", "DR-01": "HK"})
    assessment.score_percent = 90.0
    db.add(assessment)
    db.commit()
    objects = dict(
        hk=hk, sg=sg, payments=payments, lending=lending, microsoft=microsoft, openai=openai,
        anthropic=anthropic, aws=aws, azure=azure, alpha=alpha, beta=beta,
        s1=s1, s2=s2, s3=s3, s4=s4,
    )  # fmt: skip
    assert db.exec(select(Dependency)).all()
    return objects
