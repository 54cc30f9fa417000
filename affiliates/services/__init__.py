"""Every write to affiliate data goes through these modules (keyword-only arguments)."""
