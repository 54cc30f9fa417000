"""Serializer fields whose schema says more than their class: URLs that carry macros.

A URL such as `https://shop.example/?c={click_id}` is not an RFC 3986 URI (braces are not
allowed), so `format: uri` would make strict clients refuse real values; the schema says
"http(s), no spaces" with a pattern instead (and, with `allow_blank`, drf-spectacular
adds the empty string as the other choice). The services check the URL itself.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

URL_TEMPLATE = {
    "type": "string",
    "pattern": r"^[hH][tT][tT][pP][sS]?://\S+$",
    "description": "An http(s) URL; it may contain macros such as `{click_id}`.",
}


@extend_schema_field(URL_TEMPLATE)
class UrlTemplateField(serializers.CharField):
    pass
