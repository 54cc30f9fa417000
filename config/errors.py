class Refusal(Exception):
    """A request the domain refuses, with a stable machine code and a sentence for people.

    Views and API views turn it into a 4xx answer or a form error; it never means a 500.
    """

    def __init__(self, code: str, detail: str):
        self.code = code
        self.detail = detail
        super().__init__(detail)


def form_refused(form, refusal: Refusal) -> None:
    """Show a refusal on the form: on its field when the refusal names one the form has."""
    field = getattr(refusal, "field", None)
    form.add_error(field if field in form.fields else None, refusal.detail)
