"""Assessments: a questionnaire version issued to a vendor, its answers and their score."""
