"""Admin: blog (to be built)."""
