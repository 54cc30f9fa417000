"""Store admin: inventory (to be written)."""
