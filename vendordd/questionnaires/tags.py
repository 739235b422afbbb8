"""The regulatory cross-reference catalogue (reference §5.1).

A question's tag is `PREFIX section`, e.g. `EU-DORA 30(2)(b)`: the prefix names the document and
must be listed here; the rest points into it and is kept as written.
"""

from __future__ import annotations

TAGS = {
    "EU-DORA": "Regulation (EU) 2022/2554 (DORA)",
    "EU-RTS-1773": "Delegated Regulation (EU) 2024/1773 (ICT services for critical functions)",
    "EU-RTS-301": "Delegated Regulation (EU) 2025/301 (incident reporting)",
    "EU-ITS-RoI": "Implementing Regulation (EU) 2024/2956 (register of information)",
    "EU-EBA-OGL": "EBA Guidelines on outsourcing (EBA/GL/2019/02)",
    "EU-ECB-CLOUD": "ECB Guide on outsourcing cloud services (2025)",
    "EU-AIA": "Regulation (EU) 2024/1689 (AI Act)",
    "EU-AIA-OMNIBUS": "Digital Omnibus agreement on the AI Act (2026, pending)",
    "EU-GDPR": "Regulation (EU) 2016/679 (GDPR)",
    "HK-HKMA-BDAI": "HKMA circular on big data and AI consumer protection (2019)",
    "HK-HKMA-GENAI": "HKMA circular on consumer protection in the use of GenAI (2024)",
    "HK-HKMA-SA2": "HKMA Supervisory Policy Manual SA-2, Outsourcing",
    "HK-HKMA-OR2": "HKMA Supervisory Policy Manual OR-2, Operational resilience",
    "HK-SFC-GENAI": "SFC circular 24EC55 on generative AI language models (2024)",
    "HK-SFC-EDSP": "SFC circular on external electronic data storage (2019)",
    "HK-IA-OUTS": "Insurance Authority guidance note on outsourcing",
    "HK-PCPD-AI": "PCPD AI Model Personal Data Protection Framework (2024)",
    "SG-MAS-FEAT": "MAS FEAT principles and Veritas",
    "SG-MAS-AIRG": "MAS Guidelines on AI Risk Management (consultation P017-2025)",
    "SG-MAS-AIMRM": "MAS Information Paper on AI model risk management (2024)",
    "SG-MAS-OUTS": "MAS Guidelines on Outsourcing and Notices 658/1121",
    "SG-MAS-TRM": "MAS Technology Risk Management notices and guidelines",
    "SG-MINDFORGE": "Project MindForge AI risk management handbook (2026)",
    "SG-MAS-TPRM-CP": "MAS third-party risk management guidelines (consultation 2026)",
    "INT-FSB-TPRM": "FSB third-party risk management toolkit (2023)",
    "INT-FSB-AI": "FSB reports on AI and financial stability (2024, 2025)",
    "INT-BCBS-TPRM": "BCBS principles for third-party risk management (consultation 2024)",
    "INT-NIST-RMF": "NIST AI Risk Management Framework 1.0",
    "INT-NIST-600-1": "NIST AI 600-1, Generative AI profile",
    "INT-ISO42001": "ISO/IEC 42001:2023 Annex A",
    "INT-ISO27001": "ISO/IEC 27001:2022 Annex A",
    "INT-CSA-AICM": "CSA AI Controls Matrix 1.1.0 (control IDs only)",
    "INT-OWASP-LLM": "OWASP Top 10 for LLM applications 2025 and LLM checklist",
    "INT-SAIF": "Google Secure AI Framework",
    "INT-FINOS": "FINOS AI Governance Framework",
    "INT-FSISAC": "FS-ISAC GenAI vendor evaluation (2024)",
}


def tag_prefix(tag: str) -> str:
    return tag.split(" ", 1)[0]


def tag_problem(tag: str) -> str | None:
    """Why a regulatory tag is not in the catalogue, or None."""
    if tag_prefix(tag) in TAGS:
        return None
    return f"unknown regulatory tag {tag_prefix(tag)!r}; use one of the prefixes in reference §5.1"
