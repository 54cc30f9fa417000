class Refusal(Exception):
    """A request the domain refuses, with a stable machine code and a sentence for people.

    Views and API views turn it into a 4xx answer or a form error; it never means a 500.
    """

    def __init__(self, code: str, detail: str):
        self.code = code
        self.detail = detail
        super().__init__(detail)
