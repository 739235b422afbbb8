"""Questionnaires as versioned data: format, loading, versions and the XLSX round trip."""
