"""The public lists the subscribe forms offer, kept per process: the footer renders on
every page and must not cost a query there."""

from dataclasses import dataclass

from config.row_cache import RowCache

from .models import NewsletterList


@dataclass(frozen=True)
class PublicList:
    slug: str
    name: str
    description: str


def _load(_key) -> tuple[PublicList, ...]:
    return tuple(
        PublicList(slug=row.slug, name=row.name, description=row.description)
        for row in NewsletterList.objects.filter(is_public=True, is_active=True)
    )


public_list_rows = RowCache(
    "newsletter-public-lists", _load, depends_on=(NewsletterList,), max_rows=1
)


def public_lists() -> tuple[PublicList, ...]:
    return public_list_rows.get("public")
