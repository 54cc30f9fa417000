"""Filters that refuse what they cannot read. django-filter reads `?featured=maybe` as
"no filter" and answers everything; a client that sent it meant something, so it gets a
400 naming the parameter instead."""

import django_filters
from django import forms
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend, FilterSet
from django_filters.widgets import BooleanWidget

_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


class StrictBooleanWidget(BooleanWidget):
    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if value in (None, ""):
            return None
        # Anything else stays text, for the field to refuse.
        return _BOOLEANS.get(value.lower(), value) if isinstance(value, str) else value


class StrictBooleanField(forms.NullBooleanField):
    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        raise forms.ValidationError("Enter true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", StrictBooleanWidget)
        super().__init__(*args, **kwargs)


class StrictFilterSet(FilterSet):
    FILTER_DEFAULTS = {
        **FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


class FilterBackend(DjangoFilterBackend):
    """The filters a view's `filterset_fields` make, with booleans that refuse nonsense."""

    filterset_base = StrictFilterSet
