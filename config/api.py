"""Shared REST framework pieces."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


# --- Error answers in the schema -------------------------------------------------------

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
_INVALID = {
    "type": "object",
    "additionalProperties": True,
    "description": (
        "Each invalid field with its messages (`{field: [message]}`), or, when a rule "
        "refuses the request, `{code, detail}` and sometimes the `field` it concerns."
    ),
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the error answers every operation
    can give, so clients (and the schema fuzz tests) know them: 400 where the caller
    sends input or asks for a change that a rule may refuse; 401 (no API key) and 403
    (no session, or not allowed) where authentication is required; 404 for an id that
    is not the caller's or a page past the end; 429 when throttled. A code that an
    operation documents itself is kept."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorDetail"] = _DETAIL
    schemas["InvalidRequest"] = _INVALID

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
                errors["400"] = answer("InvalidRequest", "Invalid input, or refused by a rule")
            if not anonymous and "PartnerApiKey" in schemes:
                errors["401"] = answer("ErrorDetail", "No valid API key")
            if not anonymous:
                errors["403"] = answer("ErrorDetail", "Not signed in, or not allowed")
            if "path" in where or "page" in names:
                errors["404"] = answer("ErrorDetail", "No such object for the caller, or page")
            errors["429"] = answer("ErrorDetail", "Too many requests: slow down")
            for code, response in errors.items():
                operation["responses"].setdefault(code, response)
    return result
