"""What a page tells search engines and link previews: title, description, canonical
URL, OpenGraph/Twitter card, robots, structured data.

Views put a `SeoMeta` in their context as `seo`; `templates/includes/seo_meta.html`
(in base.html's head) renders it, with the site's defaults for whatever is left blank.
Structured data is a dict (schema.org JSON-LD), rendered by `{% json_ld %}` with `<`, `>`
and `&` escaped so no text from a store or a post can close the script element.
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass
class SeoMeta:
    title: str = ""
    description: str = ""
    # Absolute; blank: SITE_URL + the request's path (no query string).
    canonical_url: str = ""
    image_url: str = ""
    og_type: str = "website"
    noindex: bool = False
    structured_data: list[dict] = field(default_factory=list)


def absolute_url(path_or_url: str) -> str:
    if not path_or_url or path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return settings.SITE_URL + path_or_url


def json_ld_dumps(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )
