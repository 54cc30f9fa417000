"""What the OpenAPI schema says beyond what drf-spectacular infers: the error answers of
every operation (one shape, with the `code`s the operation can give as an enum), the
CSRF token that session writes need, and the `WWW-Authenticate` challenge of a 401.

A client generated from the schema (openapi-python-client, config/tests/
test_generated_client.py) parses every 4xx with these models, and the schema tests
validate every answer against them.
"""

from django.core.exceptions import ImproperlyConfigured
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from .api_refusals import REFUSALS

ERROR_PROPERTIES = {
    "code": {"type": "string", "description": "Stable and machine-readable."},
    "detail": {"type": "string", "description": "A sentence for people."},
    "field": {
        "type": "string",
        "description": "The input the error concerns (`a.b` inside an object), when there is one.",
    },
}


def _with_errors(properties: dict) -> dict:
    """The error's properties, and `errors`: every problem with the input, in the same
    shape, when there is more than one (the first is the error itself)."""
    item = {"type": "object", "properties": properties, "required": ["code", "detail"]}
    return {
        **properties,
        "errors": {
            "type": "array",
            "items": item,
            "description": "Each problem with the input, when there is more than one.",
        },
    }


ERROR = {
    "type": "object",
    "description": (
        "Every error: a stable machine `code`, a sentence for people, and the input `field` "
        "it concerns when there is one. Validation errors name the first problem, and list "
        "them all in `errors` when there are several. Each operation's own error schema "
        "lists the codes it can answer."
    ),
    "properties": _with_errors(ERROR_PROPERTIES),
    "required": ["code", "detail"],
}

# DRF's own codes, by the answer that carries them (config.api.api_exception_handler).
NOT_AUTHENTICATED = ("not_authenticated", "authentication_failed")
FORBIDDEN = ("permission_denied",)  # a CSRF failure too
NOT_FOUND = ("not_found",)
UNSUPPORTED_MEDIA_TYPE = ("unsupported_media_type",)
THROTTLED = ("throttled",)
BAD_BODY = ("parse_error",)  # malformed JSON

CSRF_SCHEME = {
    "type": "apiKey",
    "in": "header",
    "name": "X-CSRFToken",
    "description": (
        "With a session, every write (POST, PATCH, PUT, DELETE) also sends the value of the "
        "`csrftoken` cookie in this header; the API key needs none."
    ),
}
WRITES = {"post", "put", "patch", "delete"}


def _codes_of(field) -> set[str]:
    """The validation codes a serializer (or a form field) can answer for its input."""
    codes = set(getattr(field, "error_messages", {}))
    codes |= set(getattr(field, "refusal_codes", ()))  # a field that keeps a Refusal's code
    for validator in getattr(field, "validators", ()):
        if isinstance(getattr(validator, "code", None), str):
            codes.add(validator.code)
    if isinstance(field, serializers.BaseSerializer) and hasattr(field, "fields"):
        for inner in field.fields.values():
            if not inner.read_only:  # answered, never read: it cannot be invalid
                codes |= _codes_of(inner)
    if getattr(field, "child", None) is not None:
        codes |= _codes_of(field.child)
    return codes


def _as_instance(serializer):
    return serializer() if isinstance(serializer, type) else serializer


class ErrorCodesSchema(AutoSchema):
    """Notes on each operation the validation codes its input can earn and the codes of
    its permission classes (`x-validation-codes`, `x-permission-codes`), which
    `document_error_responses` turns into the operation's error schema."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None:
            operation["x-validation-codes"] = sorted(
                self._validation_codes(has_body="requestBody" in operation)
            )
            operation["x-permission-codes"] = sorted(self._permission_codes())
        return operation

    def _permission_codes(self) -> set[str]:
        """A DRF permission class may answer its own `code` (DRF's 403 says
        `permission_denied` otherwise)."""
        return {
            permission.code
            for permission in self.view.get_permissions()
            if isinstance(getattr(permission, "code", None), str)
        }

    def _validation_codes(self, *, has_body: bool) -> set[str]:
        codes = set()
        if has_body:
            request = self.get_request_serializer()
            if request is not None:
                codes |= _codes_of(_as_instance(request)) | set(BAD_BODY)
        for parameter in self.get_override_parameters():
            if isinstance(parameter, serializers.BaseSerializer) or (
                isinstance(parameter, type) and issubclass(parameter, serializers.BaseSerializer)
            ):
                codes |= _codes_of(_as_instance(parameter))
        listing = hasattr(self.view, "get_serializer") and self.method.lower() == "get"
        if listing and self._is_list_view():
            codes |= {"invalid", "invalid_choice"}  # page, page_size, ordering
            for backend in self.get_filter_backends():
                if issubclass(backend, DjangoFilterBackend):
                    filterset = backend().get_filterset_class(
                        self.view, getattr(self.view, "queryset", None)
                    )
                    for declared in (filterset.base_filters if filterset else {}).values():
                        codes |= _codes_of(declared.field)
        return codes


def _pascal(operation_id: str) -> str:
    return "".join(part.capitalize() for part in operation_id.removeprefix("v1_").split("_"))


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation answers its errors in the one
    shape (`Error`), with an enum of the codes it can give: 400 where the caller sends
    input or asks for a change a rule may refuse; 401 (no or a bad API key, with its
    `WWW-Authenticate` challenge) where an API key is accepted; 403 (no session, or not
    allowed) where authentication is required; 404 for an id that is not the caller's or
    a page past the end; 409 where the object's state may refuse the move; 415 for a body
    that is not JSON; 429 when throttled. Session writes need the CSRF header."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    _answers_have_every_field(schemas)
    schemas["Error"] = ERROR
    schemes = components.setdefault("securitySchemes", {})
    schemes["csrfToken"] = CSRF_SCHEME
    unknown = set(REFUSALS)

    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            validation = operation.pop("x-validation-codes", [])
            permission = operation.pop("x-permission-codes", [])
            operation_id = operation["operationId"]
            unknown.discard(operation_id)
            refusals = REFUSALS.get(operation_id, {})
            parameters = operation.get("parameters", [])
            for parameter in parameters:
                if parameter["in"] == "query" and not parameter.get("required"):
                    # `?ordering=` is `ordering` left out, as an HTML form sends it.
                    parameter["allowEmptyValue"] = True
            where = {parameter["in"] for parameter in parameters}
            names = {parameter["name"] for parameter in parameters}
            security = operation.get("security", [])
            by_key = any("PartnerApiKey" in requirement for requirement in security)
            anonymous = {} in security or not security
            if method in WRITES:
                operation["security"] = [
                    {**requirement, "csrfToken": []} if "cookieAuth" in requirement else requirement
                    for requirement in security
                ]

            codes: dict[int, tuple[str, ...]] = {}
            if validation or "requestBody" in operation:
                codes[400] = tuple(validation)
            if by_key and not anonymous:
                codes[401] = NOT_AUTHENTICATED
            if not anonymous:
                # A session caller without a session is a 403 (no challenge to answer).
                refused = FORBIDDEN if by_key else ("not_authenticated", *FORBIDDEN)
                codes[403] = (*refused, *permission)
            if "path" in where or "page" in names:
                codes[404] = NOT_FOUND
            if "requestBody" in operation:
                codes[415] = UNSUPPORTED_MEDIA_TYPE
            codes[429] = THROTTLED
            for status, listed in refusals.items():  # 400 and 409 usually; 403, 404, 429 too
                if status not in _ANSWERS:
                    raise ImproperlyConfigured(f"{operation_id}: no answer documented for {status}")
                codes[status] = (*codes.get(status, ()), *listed)

            name = f"{_pascal(operation_id)}Error"
            every = sorted({code for listed in codes.values() for code in listed})
            schemas[f"{name}Code"] = {"type": "string", "enum": every}
            schemas[name] = {
                **ERROR,
                "description": f"An error of `{operation_id}`: {', '.join(every)}.",
                "properties": _with_errors(
                    {**ERROR_PROPERTIES, "code": {"$ref": _ref(f"{name}Code")}}
                ),
            }
            for status, listed in codes.items():
                answer = {
                    "description": _ANSWERS[status] + ": " + ", ".join(sorted(set(listed))),
                    "content": {"application/json": {"schema": {"$ref": _ref(name)}}},
                }
                if status == 401:
                    answer["headers"] = {
                        "WWW-Authenticate": {
                            "description": "The scheme to authenticate with.",
                            "schema": {"type": "string", "enum": ["Api-Key"]},
                        }
                    }
                operation["responses"][str(status)] = answer
    if unknown:
        raise ImproperlyConfigured(f"api_refusals names operations that do not exist: {unknown}")
    return result


def _answers_have_every_field(schemas: dict) -> None:
    """A serializer answers with every field it has, but drf-spectacular lists a writable
    field with a default (a link's `sub1`, a goal's `tracking_code`) as optional in the
    answer too, and a generated client then types it `Unset | str`. Answers (components
    not named `…Request`; the split into request and answer components is on) list them
    all as required."""
    for name, schema in schemas.items():
        if name.endswith("Request") or "properties" not in schema:
            continue
        schema["required"] = sorted(schema["properties"])


def _ref(name: str) -> str:
    return f"#/components/schemas/{name}"


_ANSWERS = {
    400: "Invalid input, or refused by a rule",
    401: "No valid API key",
    403: "Not signed in, or not allowed",
    404: "No such object for the caller, or page",
    409: "The object's state does not allow it",
    415: "The body is not JSON",
    429: "Too many requests: slow down",
    503: "A service we depend on could not be reached; nothing was done",
}
