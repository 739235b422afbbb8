"""Institution-wide settings that admins change in the UI (e.g. the data-location policy)."""
