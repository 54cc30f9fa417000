from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MACROS = ("{click_id}", "{user_id}", "{offer_id}", "{merchant}")


def validate_tracking_url(value: str) -> None:
    """An absolute http(s) URL, where only our macros may appear in braces.

    Redirects go only to URLs staff configured here; the request never supplies one.
    """
    probe = value
    for macro in MACROS:
        probe = probe.replace(macro, "x")
    if "{" in probe or "}" in probe:
        raise ValidationError(
            f"Unknown macro in braces; the known ones are {', '.join(MACROS)}.", code="macro"
        )
    URLValidator(schemes=["http", "https"])(probe)
