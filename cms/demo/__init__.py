"""The CMS demo data, one module per feature."""

from . import blog, newsletter, pages, redirects


def seed() -> list[str]:
    lines: list[str] = []
    lines += pages.seed()
    lines += blog.seed()
    lines += redirects.seed()
    lines += newsletter.seed()
    return lines
