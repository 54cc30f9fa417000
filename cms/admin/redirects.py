"""Admin: redirects (to be built)."""
