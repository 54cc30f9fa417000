"""Shared REST framework pieces."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Refusal


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the id last: pages are cut by number, so rows that tie on the
    field asked for (sales reported for the same day or second) need an order of their
    own, or one on a page boundary shows twice or never."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or any(term.lstrip("-") in ("id", "pk") for term in ordering):
            return ordering
        return [*ordering, "-id" if ordering[-1].startswith("-") else "id"]


# --- Error answers in the schema -------------------------------------------------------

_ERROR = {
    "type": "object",
    "description": (
        "Every error: a stable machine `code`, a sentence for people, and the input "
        "`field` it concerns when there is one."
    ),
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "field": {"type": "string"},
    },
    "required": ["code", "detail"],
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the error answers every operation
    can give, so clients (and the schema fuzz tests) know them: 400 where the caller
    sends input or asks for a change that a rule may refuse; 401 (no API key) and 403
    (no session, or not allowed) where authentication is required; 404 for an id that
    is not the caller's or a page past the end; 429 when throttled. A code that an
    operation documents itself is kept."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = _ERROR

    def answer(name, description):
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
        }

    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            where = {parameter["in"] for parameter in operation.get("parameters", [])}
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            schemes = {
                name for requirement in operation.get("security", []) for name in requirement
            }
            anonymous = {} in operation.get("security", [{}])
            errors = {}
            if "query" in where or "requestBody" in operation or method in ("post", "patch", "put"):
                errors["400"] = answer("Error", "Invalid input, or refused by a rule")
            if not anonymous and "PartnerApiKey" in schemes:
                errors["401"] = answer("Error", "No valid API key")
            if not anonymous:
                errors["403"] = answer("Error", "Not signed in, or not allowed")
            if "path" in where or "page" in names:
                errors["404"] = answer("Error", "No such object for the caller, or page")
            errors["429"] = answer("Error", "Too many requests: slow down")
            for code, response in errors.items():
                operation["responses"].setdefault(code, response)
    return result


# --- One error dialect -----------------------------------------------------------------


def _first_error(detail, field=None):
    """The first (field, ErrorDetail) of DRF's nested error structure."""
    if isinstance(detail, dict):
        for name, value in detail.items():
            inner = None if name == api_settings.NON_FIELD_ERRORS_KEY else name
            return _first_error(value, f"{field}.{inner}" if field and inner else inner or field)
    if isinstance(detail, list):
        return _first_error(detail[0], field) if detail else (field, None)
    return field, detail


def api_exception_handler(exc, context):
    """Every API error answers `{"code", "detail", "field"?}`: domain refusals by their
    class-level status, DRF's own errors (validation, authentication, throttling, 404) in
    the same shape, so a client parses one thing."""
    if isinstance(exc, Refusal):
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    field, detail = _first_error(exc.detail)
    code = getattr(detail, "code", None) or exc.default_code
    body = {"code": str(code), "detail": str(detail or exc.default_detail)}
    if field:
        body["field"] = field
    response.data = body
    return response
