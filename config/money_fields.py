"""Money inputs for forms and serializers: both parse through `parse_amount`.

Django's forms.DecimalField and DRF's DecimalField hand the text to Decimal(), which
takes full-width and Arabic-Indic digits, `1_000` and surrounding spaces; these take
only what parse_amount takes, and say so with its code.
"""

from decimal import Decimal

from django import forms
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .money import AmountTooLarge, InvalidAmount, parse_amount, parse_number


class MoneyFormField(forms.CharField):
    """An amount of money in a Django form: positive by default (`allow_zero` for 0)."""

    def __init__(self, *, allow_zero: bool = False, allow_negative: bool = False, **kwargs):
        self.allow_zero, self.allow_negative = allow_zero, allow_negative
        kwargs.setdefault("strip", False)  # " 10.00 " is refused, not tidied
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value) -> Decimal | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(
                value, allow_zero=self.allow_zero, allow_negative=self.allow_negative
            )
        except InvalidAmount as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from exc


class StrictDecimalFormField(forms.DecimalField):
    """Django's DecimalField (its digits, places and bounds) reading only what
    parse_number reads: for rates and amounts that staff type into model forms."""

    def to_python(self, value):
        if isinstance(value, str) and value not in self.empty_values:
            try:
                parse_number(value)
            except InvalidAmount as exc:
                raise forms.ValidationError(exc.detail, code=exc.code) from exc
        return super().to_python(value)


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^[0-9]+(\.[0-9]+)?$"})
class MoneySerializerField(serializers.Field):
    """An amount of money in an API payload: a decimal string (a JSON integer is taken
    too); answered as a decimal string. Refusals keep parse_amount's code."""

    refusal_codes = (InvalidAmount.code, AmountTooLarge.code)  # for the schema's error codes

    def __init__(self, *, allow_zero: bool = False, allow_negative: bool = False, **kwargs):
        self.allow_zero, self.allow_negative = allow_zero, allow_negative
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> Decimal:
        try:
            return parse_amount(
                data,
                allow_zero=self.allow_zero,
                allow_negative=self.allow_negative,
                field=self.field_name,
            )
        except InvalidAmount as exc:
            raise serializers.ValidationError(exc.detail, code=exc.code) from exc

    def to_representation(self, value) -> str:
        return str(value)
