"""The intake profile's vocabulary (reference §2.A): stored codes and their labels."""

from __future__ import annotations

USE_CASES = {
    "internal_productivity": "Internal productivity",
    "internal_decision_support": "Internal decision support",
    "customer_information": "Customer-facing information",
    "customer_advice": "Customer-facing advice, recommendation or research",
    "automated_decision": "Automated decision about individuals",
}
DATA_CLASSES = {
    "public": "Public",
    "internal": "Internal",
    "confidential": "Confidential",
    "customer_personal": "Customer personal data",
    "regulated": "Regulated or special-category data",
}
CRITICAL_FUNCTION = {
    "yes": "Yes: critical or important function, or material outsourcing",
    "no": "No",
    "not_assessed": "Not yet assessed",
}
RELIANCE = {
    "not_significant": "Not significant",
    "low": "Low",
    "material": "Material",
    "full": "Full",
}
INTEGRATION = {
    "standalone": "Standalone",
    "business_process": "Embedded in a business process",
    "critical_process": "Embedded in a critical process",
}
AUTONOMY = {
    "human_in_loop": "Human in the loop (a person approves each output)",
    "human_on_loop": "Human on the loop (a person monitors and can intervene)",
    "autonomous": "Autonomous actions",
}
IMPACT = {"low": "Low", "medium": "Medium", "high": "High"}

VOCABULARIES = {
    "use_case": USE_CASES,
    "data_class": DATA_CLASSES,
    "critical_function": CRITICAL_FUNCTION,
    "reliance": RELIANCE,
    "integration": INTEGRATION,
    "autonomy": AUTONOMY,
    "discontinuation_impact": IMPACT,
}

REGIMES = {
    "HKMA": "HKMA (Hong Kong authorized institution)",
    "SFC": "SFC (Hong Kong licensed corporation)",
    "IA": "IA (Hong Kong insurer)",
    "MAS": "MAS (Singapore financial institution)",
    "DORA": "EU DORA (financial entity)",
    "EU_AI_ACT": "EU AI Act (deployer)",
}


def label(vocabulary: str, code: str | None) -> str:
    """Human label of a stored code; unknown or empty codes show as themselves."""
    if not code:
        return "—"
    return VOCABULARIES[vocabulary].get(code, code)
