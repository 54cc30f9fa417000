"""CMS services: one module per feature (pages, blog, redirects, newsletter)."""
