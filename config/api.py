"""Shared REST framework pieces."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Refusal


def _query_refused(name: str, detail: str, code: str = "invalid") -> exceptions.ValidationError:
    """A bad query parameter: a 400 naming it, like a bad field in a body."""
    return exceptions.ValidationError({name: [ErrorDetail(detail, code=code)]})


def _positive(raw: str) -> bool:
    return raw.isascii() and raw.isdigit() and int(raw) >= 1


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        # DRF quietly falls back to the default size on a bad value and cuts a big one to
        # the cap; a client asking for what the schema does not allow learns it instead.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not _positive(raw) or int(raw) > self.max_page_size:
            raise _query_refused(
                self.page_size_query_param,
                f"page_size is a whole number from 1 to {self.max_page_size}.",
            )
        return int(raw)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings and not _positive(raw):
            raise _query_refused(self.page_query_param, "page is a whole number from 1.")
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["schema"]["default"] = self.page_size
        return parameters


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the id last: pages are cut by number, so rows that tie on the
    field asked for (sales reported for the same day or second) need an order of their
    own, or one on a page boundary shows twice or never. A field that cannot be ordered
    by is a 400 (DRF would ignore it), and the schema lists the ones that can."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or any(term.lstrip("-") in ("id", "pk") for term in ordering):
            return ordering
        return [*ordering, "-id" if ordering[-1].startswith("-") else "id"]

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        if len(valid) != len(fields):
            choices = ", ".join(self.choices(view))
            raise _query_refused(
                self.ordering_param, f"ordering is one of {choices}.", code="invalid_choice"
            )
        return valid

    def choices(self, view) -> list[str]:
        names = [name for name, _label in self.get_valid_fields(view.queryset, view, {})]
        return [term for name in names for term in (name, f"-{name}")]

    def get_schema_operation_parameters(self, view):
        [parameter] = super().get_schema_operation_parameters(view)
        parameter["description"] = "Order by this field; `-` first for descending."
        parameter["schema"]["enum"] = choices = self.choices(view)
        # Names for generated clients' enum members: `-created_at` is CREATED_AT_DESC.
        parameter["schema"]["x-enum-varnames"] = [
            f"{term[1:]}_desc" if term.startswith("-") else term for term in choices
        ]
        return [parameter]


# --- One error dialect -----------------------------------------------------------------


def _errors(detail, field=None):
    """Every (field, ErrorDetail) of DRF's nested error structure, in its order."""
    if isinstance(detail, dict):
        for name, value in detail.items():
            inner = None if name == api_settings.NON_FIELD_ERRORS_KEY else name
            yield from _errors(value, f"{field}.{inner}" if field and inner else inner or field)
    elif isinstance(detail, list):
        for value in detail:
            yield from _errors(value, field)
    else:
        yield field, detail


def _error_body(field, detail, default_code) -> dict:
    body = {"code": str(getattr(detail, "code", None) or default_code), "detail": str(detail)}
    if field:
        body["field"] = field
    return body


def api_exception_handler(exc, context):
    """Every API error answers `{"code", "detail", "field"?}`: domain refusals by their
    class-level status, DRF's own errors (validation, authentication, throttling, 404) in
    the same shape, so a client parses one thing. Invalid input names its first problem;
    when there are more, `errors` lists each in the same shape, so a form can mark every
    field at once."""
    if isinstance(exc, Refusal):
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    errors = [
        _error_body(field, detail, exc.default_code)
        for field, detail in _errors(exc.detail)
        if detail is not None
    ] or [_error_body(None, exc.default_detail, exc.default_code)]
    response.data = errors[0] if len(errors) == 1 else {**errors[0], "errors": errors}
    return response
