"""Store admin: catalog (to be written)."""
