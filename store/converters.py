"""Path converters of the store's URLs. An order number or a provider's reference is
letters, digits, dashes and underscores: anything else (a NUL byte, which PostgreSQL
refuses in a query) is not one of ours and is a 404 before any lookup."""

from django.urls import register_converter


class ReferenceConverter:
    regex = r"[A-Za-z0-9_-]{1,120}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "store_ref")
