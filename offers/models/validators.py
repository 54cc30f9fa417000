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


BANNER_MAX_BYTES = 2 * 1024 * 1024


def validate_banner_size(image) -> None:
    """Banners head public pages: the same 2 MB cap as profile pictures, so one careless
    upload cannot make every visit to a store or category page slow."""
    if getattr(image, "size", 0) > BANNER_MAX_BYTES:
        raise ValidationError("The banner must be 2 MB or smaller.", code="too_large")
