"""Store admin: orders (to be written)."""
