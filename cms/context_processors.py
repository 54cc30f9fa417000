from config.row_cache import RowCache

from .models import Page


def _footer_pages(_key) -> tuple[Page, ...]:
    return tuple(
        Page.objects.filter(status=Page.Status.PUBLISHED, show_in_footer=True).only("title", "slug")
    )


# Every page's footer: read once per process, again within a second of any page change.
footer_rows = RowCache("footer-pages", _footer_pages, depends_on=(Page,), max_rows=1)


def _footer_links():
    return footer_rows.get("footer")


def footer_pages(request):
    # A callable: templates call it only if they render the footer (the admin does not).
    return {"footer_pages": _footer_links}
