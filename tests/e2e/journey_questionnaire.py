"""A compact questionnaire for the browser journey: every question type, a condition, a
repeating group, required evidence and a knockout, worded as a real one would be."""

from __future__ import annotations

TAGS = ["INT-NIST-600-1 GV-6.1-009"]


def journey_questionnaire() -> dict:
    """The definition, as the YAML a questionnaire file holds."""
    return {
        "key": "journey",
        "version": "1.0.0",
        "title": "GenAI vendor questionnaire (short form)",
        "description": "A short form of the standard questionnaire for the browser journey.",
        "domains": [
            {"key": "embedded", "title": "Embedded GenAI", "weight": 50},
            {"key": "data", "title": "Data, logging and assurance", "weight": 50},
        ],
        "questions": [
            {
                "key": "EG-01",
                "domain": "embedded",
                "text": "Does the service use generative AI in any feature?",
                "type": "yes_no",
                "scoring": {"weight": 2, "points": {"yes": 100, "no": 100}},
                "regulatory": TAGS,
            },
            {
                "key": "EG-02",
                "domain": "embedded",
                "text": "List every AI feature of the service.",
                "help": "One row per feature, including features that are off by default.",
                "type": "group",
                "show_if": {"question": "EG-01", "is_true": True},
                "fields": [
                    {"key": "feature", "text": "Feature", "type": "short_text"},
                    {"key": "model", "text": "Model developer", "type": "providers"},
                    {"key": "default_on", "text": "On by default", "type": "yes_no"},
                ],
                "scoring": {"weight": 3, "if_answered": 100},
                "regulatory": TAGS,
            },
            {
                "key": "EG-03",
                "domain": "embedded",
                "text": "Which controls do our administrators have over AI features?",
                "type": "multiple_choice",
                "options": [
                    {"value": "per_feature", "label": "Switch each feature off"},
                    {"value": "per_user", "label": "Limit features to chosen users"},
                    {"value": "audit", "label": "An audit log of AI use"},
                    {"value": "none", "label": "None of these", "exclusive": True},
                ],
                "scoring": {
                    "weight": 3,
                    "combine": "sum",
                    "points": {"per_feature": 50, "per_user": 25, "audit": 25, "none": 0},
                },
                "regulatory": TAGS,
            },
            {
                "key": "EG-04",
                "domain": "embedded",
                "text": "How much notice do you give before changing the model provider?",
                "type": "single_choice",
                "options": [
                    {"value": "d90", "label": "90 days or more"},
                    {"value": "d30", "label": "30 to 89 days"},
                    {"value": "none", "label": "No advance notice"},
                ],
                "scoring": {"weight": 3, "points": {"d90": 100, "d30": 60, "none": 0}},
                "knockouts": [
                    {
                        "when": {"question": "EG-04", "equals": "none"},
                        "tiers": ["T1", "T2"],
                        "message": "No notice before a change of model provider.",
                    }
                ],
                "regulatory": TAGS,
            },
            {
                "key": "MP-01",
                "domain": "embedded",
                "text": "Which foundation-model developers does the service depend on?",
                "type": "providers",
                "scoring": {"weight": 2, "if_answered": 100},
                "regulatory": TAGS,
            },
            {
                "key": "DR-01",
                "domain": "data",
                "text": "In which countries are our prompts and outputs stored?",
                "type": "countries",
                "evidence": {"requirement": "required", "description": "A data-flow diagram"},
                "scoring": {"weight": 4, "policy": "data_location"},
                "regulatory": TAGS,
            },
            {
                "key": "DR-02",
                "domain": "data",
                "text": "How many days do you keep prompt and output logs?",
                "type": "number",
                "unit": "days",
                "min": 0,
                "max": 3650,
                "scoring": {
                    "weight": 3,
                    "bands": [{"min": 180, "points": 100}, {"min": 30, "points": 50}],
                },
                "regulatory": TAGS,
            },
            {
                "key": "DR-03",
                "domain": "data",
                "text": "When did your last independent security assessment end?",
                "type": "date",
                "scoring": {
                    "weight": 2,
                    "measure": "age_days",
                    "bands": [{"max": 365, "points": 100}, {"min": 366, "points": 0}],
                },
                "regulatory": TAGS,
            },
            {
                "key": "DR-04",
                "domain": "data",
                "text": "Who is accountable for AI risk at your company?",
                "type": "short_text",
                "regulatory": TAGS,
            },
            {
                "key": "DR-05",
                "domain": "data",
                "text": "Describe how we can export our logs.",
                "type": "long_text",
                "required": False,
                "regulatory": TAGS,
            },
            {
                "key": "DR-06",
                "domain": "data",
                "text": "Upload your latest SOC 2 Type II report.",
                "type": "evidence",
                "scoring": {"weight": 2, "if_answered": 100},
                "regulatory": TAGS,
            },
        ],
    }
