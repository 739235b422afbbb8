"""The provider registry seed: what it inserts, that it is idempotent, and the answer lookups."""

from __future__ import annotations

from sqlmodel import delete, select

from tests.conftest import NOW, SYSTEM
from vendordd.audit.models import AuditEvent
from vendordd.concentration.models import PROVIDER_KINDS, Provider
from vendordd.concentration.services import (
    provider_lookup,
    provider_names,
    seed_entries,
    seed_providers,
)
from vendordd.questionnaires.answers import parse_answer
from vendordd.questionnaires.schema import Question
from vendordd.vendors.validation import countries, lei_problem

# The providers other parts of vendordd (demo answers, tests) name: key, name, kind, HQ, parent.
REQUIRED = """
microsoft-corp|Microsoft Corporation|parent_company|US|
amazon-com|Amazon.com, Inc.|parent_company|US|
alphabet|Alphabet Inc.|parent_company|US|
oracle-corp|Oracle Corporation|parent_company|US|
ibm-corp|IBM|parent_company|US|
alibaba-group|Alibaba Group|parent_company|CN|
tencent-holdings|Tencent Holdings|parent_company|CN|
huawei-tech|Huawei Technologies|parent_company|CN|
openai|OpenAI|model_developer|US|
anthropic|Anthropic|model_developer|US|
google-deepmind|Google DeepMind|model_developer|GB|alphabet
meta|Meta|model_developer|US|
mistral|Mistral AI|model_developer|FR|
cohere|Cohere|model_developer|CA|
microsoft-ai|Microsoft AI|model_developer|US|microsoft-corp
amazon-ai|Amazon AGI|model_developer|US|amazon-com
xai|xAI|model_developer|US|
deepseek|DeepSeek|model_developer|CN|
qwen|Alibaba Qwen|model_developer|CN|alibaba-group
ibm-granite|IBM Granite|model_developer|US|ibm-corp
azure-openai|Azure OpenAI Service|hosting_platform|US|microsoft-corp
amazon-bedrock|Amazon Bedrock|hosting_platform|US|amazon-com
vertex-ai|Google Vertex AI|hosting_platform|US|alphabet
oci-genai|OCI Generative AI|hosting_platform|US|oracle-corp
watsonx|IBM watsonx|hosting_platform|US|ibm-corp
hugging-face|Hugging Face|hosting_platform|US|
together-ai|Together AI|hosting_platform|US|
model-studio|Alibaba Cloud Model Studio|hosting_platform|CN|alibaba-group
aws|Amazon Web Services|cloud|US|amazon-com
azure|Microsoft Azure|cloud|US|microsoft-corp
google-cloud|Google Cloud|cloud|US|alphabet
oracle-cloud|Oracle Cloud Infrastructure|cloud|US|oracle-corp
ibm-cloud|IBM Cloud|cloud|US|ibm-corp
alibaba-cloud|Alibaba Cloud|cloud|CN|alibaba-group
tencent-cloud|Tencent Cloud|cloud|CN|tencent-holdings
huawei-cloud|Huawei Cloud|cloud|CN|huawei-tech
pinecone|Pinecone|other|US|
weaviate|Weaviate|other|NL|
mongodb-atlas|MongoDB Atlas|other|US|
elastic|Elastic|other|US|
datadog|Datadog|other|US|
snowflake|Snowflake|other|US|
"""
DESIGNATED_CRITICAL = {"aws", "azure", "google-cloud", "oracle-cloud", "ibm-cloud"}


def registry(db) -> dict[str, Provider]:
    return {p.key: p for p in db.exec(select(Provider)).all()}


def parent_key(provider: Provider, by_id: dict[int, Provider]) -> str:
    return by_id[provider.parent_id].key if provider.parent_id else ""


def test_seed_file_is_consistent():
    entries = seed_entries()
    keys = [e.key for e in entries]
    assert len(keys) == len(set(keys))
    assert len({e.name.lower() for e in entries}) == len(entries)
    kinds = {e.key: e.kind for e in entries}
    assert [e.kind for e in entries if e.kind not in PROVIDER_KINDS] == []
    assert [e.hq_country for e in entries if e.hq_country not in countries()] == []
    assert [e.parent for e in entries if e.parent and kinds.get(e.parent) != "parent_company"] == []
    assert [e.lei for e in entries if e.lei and lei_problem(e.lei)] == []


def test_seed_inserts_every_provider_with_its_parent(db):
    added = seed_providers(db, now=NOW, actor=SYSTEM)
    db.commit()

    providers = registry(db)
    assert added == len(seed_entries()) == len(providers)
    by_id = {p.id: p for p in providers.values()}
    stored = {
        (p.key, p.name, p.kind, p.hq_country, parent_key(p, by_id)) for p in providers.values()
    }
    required = {tuple(line.split("|")) for line in REQUIRED.strip().splitlines()}
    assert required - stored == set()
    assert {k for k, p in providers.items() if p.is_designated_critical} == DESIGNATED_CRITICAL
    assert providers["aws"].created_at == NOW


def test_each_added_provider_is_audited(db):
    seed_providers(db, now=NOW, actor=SYSTEM)
    db.commit()

    events = db.exec(select(AuditEvent).where(AuditEvent.action == "provider.created")).all()
    assert len(events) == len(seed_entries())
    aws = next(e for e in events if e.object_label == "Amazon Web Services")
    assert aws.actor_label == "test"
    assert aws.changes["parent"] == [None, "amazon-com"]
    assert aws.changes["is_designated_critical"] == [None, True]


def test_a_second_run_adds_nothing_and_keeps_an_admins_edits(db):
    seed_providers(db, now=NOW, actor=SYSTEM)
    openai = registry(db)["openai"]
    openai.name, openai.hq_country = "OpenAI, L.L.C.", "IE"
    db.add(openai)
    db.commit()

    assert seed_providers(db, now=NOW, actor=SYSTEM) == 0
    db.commit()
    db.expire_all()
    assert (registry(db)["openai"].name, registry(db)["openai"].hq_country) == (
        "OpenAI, L.L.C.",
        "IE",
    )
    assert len(registry(db)) == len(seed_entries())


def test_a_missing_provider_is_added_under_its_existing_parent(db):
    seed_providers(db, now=NOW, actor=SYSTEM)
    db.exec(delete(Provider).where(Provider.key == "aws"))
    db.commit()

    assert seed_providers(db, now=NOW, actor=SYSTEM) == 1
    db.commit()
    providers = registry(db)
    assert providers["aws"].parent_id == providers["amazon-com"].id


def test_a_provider_an_admin_added_under_another_key_is_not_duplicated(db):
    db.add(
        Provider(
            key="pinecone-io", name="Pinecone", kind="other", hq_country="US",
            created_at=NOW, updated_at=NOW,
        )
    )  # fmt: skip
    db.commit()

    assert seed_providers(db, now=NOW, actor=SYSTEM) == len(seed_entries()) - 1
    db.commit()
    pinecones = [p.key for p in registry(db).values() if p.name == "Pinecone"]
    assert pinecones == ["pinecone-io"]


def test_lookup_resolves_names_case_insensitively_and_keys(db):
    seed_providers(db, now=NOW, actor=SYSTEM)
    db.commit()
    lookup = provider_lookup(db)
    question = Question.model_validate(
        {
            "key": "FP-03",
            "domain": "fourth_party",
            "text": "Which cloud providers host the service?",
            "type": "providers",
            "regulatory": ["EU-DORA 29(2)"],
        }
    )

    answer = "amazon web services; AZURE; Microsoft Azure; Google DeepMind; Acme Vectors"
    assert parse_answer(question, answer, lookup) == (
        "aws",
        "azure",
        "google-deepmind",
        "Acme Vectors",
    )
    assert lookup["openai"] == "openai"
    assert lookup["amazon.com, inc."] == "amazon-com"


def test_provider_names_lists_services_alphabetically_without_parent_companies(db):
    seed_providers(db, now=NOW, actor=SYSTEM)
    db.commit()

    names = provider_names(db)
    assert names == sorted(names, key=str.lower)
    assert {"OpenAI", "Amazon Web Services", "Pinecone", "xAI"} <= set(names)
    assert "Alphabet Inc." not in names
    assert len(names) == len([e for e in seed_entries() if e.kind != "parent_company"])


def test_db_upgrade_seeds_the_registry_once(runner, db):
    first = runner.invoke(args=["vendordd", "db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert f": {len(seed_entries())} providers added to the registry" in first.output

    second = runner.invoke(args=["vendordd", "db", "upgrade"])
    assert second.exit_code == 0, second.output
    assert ": 0 providers added to the registry" in second.output
    assert len(registry(db)) == len(seed_entries())
