"""One refusal dialect for the whole domain.

A service that says no raises a `Refusal` subclass: a stable machine `code`, a sentence for
people (`detail`) and, when the refusal is about one input, its `field`. Services never
pick HTTP statuses; the *kind* of refusal does, once, as a class attribute (`NotFound`,
`Conflict`, …), and the edges map it: `api_exception_handler` for DRF, `form_refused`
for forms, `apply_each` for admin actions, the postback views for their JSON.
"""


class Refusal(Exception):
    """A request the domain refuses. Never a 500."""

    http_status = 400
    code = "refused"

    def __init__(self, code: str | None = None, detail: str = "", field: str | None = None):
        self.code = code or type(self).code
        self.detail = detail or self.code.replace("_", " ").capitalize() + "."
        self.field = field
        super().__init__(self.detail)

    def as_dict(self) -> dict:
        body = {"code": self.code, "detail": self.detail}
        if self.field:
            body["field"] = self.field
        return body


class Forbidden(Refusal):
    """The caller is known and may not do this."""

    http_status = 403


class NotFound(Refusal):
    """No such object for this caller (another owner's object is not found, not forbidden)."""

    http_status = 404


class Conflict(Refusal):
    """The object's current state does not allow the move."""

    http_status = 409


class TooManyAttempts(Refusal):
    http_status = 429


def form_refused(form, refusal: Refusal) -> None:
    """Show a refusal on the form: on its field when the refusal names one the form has."""
    field = refusal.field
    form.add_error(field if field in form.fields else None, refusal.detail)
