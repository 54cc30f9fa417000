"""Staff Markdown → HTML that is safe to put on a page.

Markdown passes raw HTML through by design, so whatever it returns is sanitised by nh3
(ammonia) with an allow-list: no script or style, no event handler attributes, no
`javascript:`/`data:` URLs, and every link gets rel="noopener noreferrer". The result is
the only thing templates mark safe (`render_markdown(...)` in views, `|markdown` filter).
"""

import markdown as markdown_lib
import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "h1", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    # fenced code's language class ("language-python"), footnote anchors
    "code": {"class"},
    "*": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["extra", "sane_lists"]


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Sanitised HTML for a Markdown text (page, post, FAQ answer, newsletter)."""
    html = markdown_lib.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return sanitize_html(html)
