from django import template
from django.utils.safestring import mark_safe

from ..markdown import render_markdown
from ..seo import json_ld_dumps

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Staff Markdown as sanitised HTML (cms.markdown): the one way it reaches a page."""
    return mark_safe(render_markdown(text))  # noqa: S308  (sanitised by nh3)


@register.simple_tag
def json_ld(data):
    """A schema.org JSON-LD script element, escaped so no value can close it."""
    if not data:
        return ""
    return mark_safe(  # noqa: S308  (json_ld_dumps escapes < > &)
        f'<script type="application/ld+json">{json_ld_dumps(data)}</script>'
    )
