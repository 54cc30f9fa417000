"""Bootstrap classes for Django form fields, so templates stay free of markup logic."""

from django import template

register = template.Library()

_WIDGET_CLASSES = {
    "checkbox": "form-check-input",
    "select": "form-select",
    "selectmultiple": "form-select",
    "clearablefile": "form-control",
    "file": "form-control",
}


@register.filter
def bootstrap(field):
    css = _WIDGET_CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    existing = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


def plain_number(value) -> str:
    """A Decimal without trailing zeros and never in exponent form: 100.0000 → "100"
    (``Decimal.normalize`` alone gives "1E+2"), 2.5000 → "2.5"."""
    return format(value.normalize(), "f") if value is not None else ""


@register.filter
def plain(value) -> str:
    """A rate or multiplier such as 10.0000 as "10", for "10% cashback"."""
    return plain_number(value)
