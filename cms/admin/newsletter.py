"""Admin: newsletter (to be built)."""
