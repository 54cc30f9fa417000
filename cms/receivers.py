"""Signal receivers: automatic redirects when a slug changes (to be built)."""
