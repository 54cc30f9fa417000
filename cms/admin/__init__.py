"""The CMS admin, one module per feature."""

from . import blog, newsletter, pages, redirects  # noqa: F401  (registers the admins)
