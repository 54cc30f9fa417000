"""Staff Markdown → HTML that is safe to put on a page.

Markdown passes raw HTML through by design, so whatever it returns is sanitised by nh3
(ammonia) with an allow-list: no script or style, no event handler attributes, no
`javascript:`/`data:` URLs, and every link gets rel="noopener noreferrer". The result is
the only thing templates mark safe (`render_markdown(...)` in views, `|markdown` filter).

Ids and classes are attacker tools even without script: an `id` equal to one of the
site's own (a coupon code's `code-12` that site.js reads with getElementById, a form
field's) or to a global JS name clobbers it, so every id gets the ID_PREFIX (in-page
links `#x` follow it); a class from the site's CSS framework (`position-fixed`,
`modal`…) can lay a fake panel over the page, so only fenced code's `language-…`
class survives.
"""

import re

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
ID_PREFIX = "md-"
_LANGUAGE_CLASS = re.compile(r"language-[\w+#.-]{1,40}")
EXTENSIONS = ["extra", "sane_lists"]


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href" and value.startswith("#") and not value.startswith("#" + ID_PREFIX):
        return "#" + ID_PREFIX + value[1:]  # the ids it points at are prefixed too
    if attribute == "class":
        languages = [name for name in value.split() if _LANGUAGE_CLASS.fullmatch(name)]
        return " ".join(languages[:1]) or None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        id_prefix=ID_PREFIX,
    )


def render_markdown(text: str) -> str:
    """Sanitised HTML for a Markdown text (page, post, FAQ answer, newsletter)."""
    html = markdown_lib.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return sanitize_html(html)
