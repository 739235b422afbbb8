"""The demo book: invented GenAI vendors (no real companies) with services, intakes, contacts."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from vendordd.vendors.tiering import Intake
from vendordd.vendors.validation import lei_check_digits

ENTITIES = {
    "HK bank — HKMA": ["HKMA"],
    "HK securities — SFC": ["SFC"],
    "HK insurer — IA": ["IA"],
    "SG branch — MAS": ["MAS"],
    "EU subsidiary — DORA": ["DORA", "EU_AI_ACT"],
}
FUNCTIONS = [
    "Customer service",
    "Credit underwriting",
    "Wealth advisory",
    "Claims handling",
    "Fraud detection",
    "Compliance monitoring",
    "Software engineering",
    "Marketing",
    "Document processing",
    "Research",
    "Human resources",
    "IT operations",
]

# Intake profiles the demo services draw from, from low to critical.
# fmt: off
PROFILES = {
    "drafting": Intake("internal_productivity", "internal", "no",
        "low", "standalone", "human_in_loop", 300, False, "low", None),
    "coding": Intake("internal_productivity", "confidential", "no",
        "material", "business_process", "human_in_loop", 800, False, "medium", 48),
    "research": Intake("internal_decision_support", "internal", "no",
        "low", "standalone", "human_in_loop", 60, False, "low", None),
    "public": Intake("internal_productivity", "public", "no",
        "not_significant", "standalone", "human_in_loop", 15, False, "low", None),
    "chatbot": Intake("customer_information", "customer_personal", "no",
        "material", "business_process", "human_on_loop", 250_000, True, "medium", 8),
    "advice": Intake("customer_advice", "customer_personal", "no",
        "material", "business_process", "human_in_loop", 40_000, True, "high", 8),
    "underwriting": Intake("automated_decision", "regulated", "yes",
        "full", "critical_process", "human_on_loop", 120_000, False, "high", 4),
    "claims": Intake("internal_decision_support", "customer_personal", "yes",
        "material", "critical_process", "human_in_loop", 2_000, False, "high", 12),
    "monitoring": Intake("internal_decision_support", "regulated", "not_assessed",
        "material", "business_process", "human_on_loop", 150, False, "medium", 24),
}

# (legal name, display name, HQ, status, [(service, profile, entity and function indexes,
#  annual spend in thousands)])
VENDORS = [
    ("Lumenforge AI Limited", "Lumenforge", "GB", "active", [
        ("Lumen Assist for contact centres", "chatbot", [0, 3], [0], 420),
    ]),
    ("Quillstone Analytics Pte. Ltd.", "Quillstone", "SG", "active", [
        ("Quillstone Research Copilot", "research", [1, 3], [9], 85),
        ("Quillstone Filing Summariser", "monitoring", [1], [5], 60),
    ]),
    ("Harbourlight Intelligence Ltd", "Harbourlight", "HK", "active", [
        ("Harbourlight Advisor Desk", "advice", [0, 1], [2], 610),
    ]),
    ("Veridian Loop GmbH", "Veridian Loop", "DE", "active", [
        ("Loop Underwrite", "underwriting", [2, 4], [1], 980),
    ]),
    ("Cobaltreed Systems Inc.", "Cobaltreed", "US", "active", [
        ("Cobaltreed Code Companion", "coding", [0, 4], [6], 240),
    ]),
    ("Tessellate Claims AI Ltd", "Tessellate", "IE", "active", [
        ("Tessellate Claims Triage", "claims", [2], [3], 530),
    ]),
    ("Northwind Prose Ltd", "Northwind Prose", "GB", "active", [
        ("Prose Drafting Workspace", "drafting", [0, 1, 2], [7, 10], 35),
    ]),
    ("Saffron Ledger Technologies Pte. Ltd.", "Saffron Ledger", "SG", "active", [
        ("Saffron Fraud Narratives", "monitoring", [3], [4], 150),
    ]),
    ("Kestrel Harbor AI Corp.", "Kestrel Harbor", "US", "active", [
        ("Kestrel Support Bot", "chatbot", [4], [0], 310),
        ("Kestrel Knowledge Search", "research", [4], [8], 90),
    ]),
    ("Orchid Lattice Co., Ltd.", "Orchid Lattice", "JP", "onboarding", [
        ("Orchid Document Reader", "monitoring", [0], [8], 120),
    ]),
    ("Brightmoor Compliance AI BV", "Brightmoor", "NL", "active", [
        ("Brightmoor Surveillance Assistant", "monitoring", [1, 4], [5], 275),
    ]),
    ("Pinecrest Vector Labs Inc.", "Pinecrest", "CA", "prospect", [
        ("Pinecrest Semantic Search", "research", [4], [9], None),
    ]),
    ("Jadeite Robotics Process Ltd", "Jadeite RPA", "HK", "active", [
        ("Jadeite Claims Intake", "claims", [2], [3, 8], 340),
    ]),
    ("Meridian Tide AI SAS", "Meridian Tide", "FR", "active", [
        ("Tide Marketing Studio", "drafting", [4], [7], 70),
    ]),
    ("Aster & Vale Software Ltd", "Aster & Vale", "GB", "active", [
        ("Vale HR Assistant", "drafting", [0, 4], [10], 55),
    ]),
    ("Granite Owl Security Ltd", "Granite Owl", "IL", "active", [
        ("Owl Alert Summaries", "coding", [0, 3, 4], [11], 190),
    ]),
    ("Silverbirch Wealth Tech Pte. Ltd.", "Silverbirch", "SG", "active", [
        ("Silverbirch Portfolio Narratives", "advice", [3], [2], 450),
    ]),
    ("Copperleaf Insurance Intelligence Ltd", "Copperleaf", "HK", "active", [
        ("Copperleaf Policy Q&A", "chatbot", [2], [0, 3], 260),
    ]),
    ("Foxglove Data Studio AB", "Foxglove", "SE", "onboarding", [
        ("Foxglove Report Writer", "research", [4], [9], 40),
    ]),
    ("Indigo Quarry Inc.", "Indigo Quarry", "US", "active", [
        ("Quarry Dev Agents", "coding", [0, 4], [6], 360),
    ]),
    ("Lanternfish Translation Ltd", "Lanternfish", "HK", "active", [
        ("Lanternfish Document Translation", "drafting", [0, 1, 2], [8], 95),
    ]),
    ("Mistral Bay Credit AI Ltd", "Mistral Bay", "IE", "active", [
        ("Bay Credit Memo Writer", "underwriting", [0, 4], [1], 720),
    ]),
    ("Nimbus Thicket Ltd", "Nimbus Thicket", "GB", "offboarded", [
        ("Thicket Chat Widget", "chatbot", [0], [0], None),
    ]),
    ("Opaline Speech AI Pte. Ltd.", "Opaline Speech", "SG", "active", [
        ("Opaline Call Summaries", "monitoring", [0, 3], [0, 5], 210),
    ]),
    ("Papyrus Grove Ltd", "Papyrus Grove", "AU", "active", [
        ("Grove Contract Review", "research", [0, 4], [8], 130),
    ]),
    ("Quartzline Advisory Tech Ltd", "Quartzline", "HK", "onboarding", [
        ("Quartzline Robo-Adviser Explanations", "advice", [1], [2], 380),
    ]),
    ("Rookwood Knowledge Inc.", "Rookwood", "US", "active", [
        ("Rookwood Intranet Answers", "drafting", [0, 1, 2, 3, 4], [10, 11], 150),
    ]),
    ("Sablewing Risk Labs GmbH", "Sablewing", "CH", "active", [
        ("Sablewing Fraud Graph Copilot", "claims", [0, 4], [4], 490),
    ]),
    ("Thornfield Notes Ltd", "Thornfield", "GB", "prospect", [
        ("Thornfield Meeting Notes", "drafting", [4], [10], None),
    ]),
    ("Umberlight Vision Co.", "Umberlight", "KR", "active", [
        ("Umberlight ID Document Check", "monitoring", [3], [8, 4], 175),
    ]),
    ("Vellum Stack Technologies Ltd", "Vellum Stack", "IN", "active", [
        ("Vellum Ticket Summaries", "coding", [0, 3], [11], 80),
    ]),
    ("Willowmere Claims Assist Ltd", "Willowmere", "HK", "active", [
        ("Willowmere Adjuster Notes", "claims", [2], [3], 220),
    ]),
    ("Xenon Wharf AI Ltd", "Xenon Wharf", "HK", "prospect", [
        ("Wharf Trade Idea Generator", "advice", [1], [2, 9], None),
    ]),
    ("Yarrow Lane Digital Ltd", "Yarrow Lane", "GB", "active", [
        ("Yarrow Campaign Copy", "public", [4], [7], 25),
    ]),
    ("Zephyr Mill Analytics Pte. Ltd.", "Zephyr Mill", "SG", "active", [
        ("Zephyr AML Alert Narratives", "monitoring", [3], [5, 4], 260),
    ]),
    ("Amberfield Learning Ltd", "Amberfield", "GB", "active", [
        ("Amberfield Training Tutor", "public", [0, 1, 2, 3, 4], [10], 30),
    ]),
    ("Bluefin Ops AI Inc.", "Bluefin Ops", "US", "onboarding", [
        ("Bluefin Incident Copilot", "coding", [0, 4], [11], 140),
    ]),
    ("Cinderpath Labs Ltd", "Cinderpath", "HK", "active", [
        ("Cinderpath Customer Email Drafts", "chatbot", [0, 2], [0], 190),
    ]),
    ("Driftwood Actuarial AI Ltd", "Driftwood", "GB", "active", [
        ("Driftwood Pricing Assistant", "underwriting", [2], [1], 560),
    ]),
    ("Eastgate Filing Robotics Ltd", "Eastgate", "HK", "prospect", [
    ]),
]
# fmt: on


def demo_lei(legal_name: str) -> str:
    """A well-formed, clearly invented LEI ("DEMO" prefix) derived from the name."""
    digest = hashlib.sha256(legal_name.encode()).hexdigest().upper()
    base = "DEMO00" + "".join(ch for ch in digest if ch.isalnum())[:12]
    return base + lei_check_digits(base)


def spend(thousands: int | None) -> Decimal | None:
    return None if thousands is None else Decimal(thousands * 1000)
