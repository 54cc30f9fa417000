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
