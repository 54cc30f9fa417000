"""`check --deploy`: every newsletter's List-Unsubscribe header and link are built from
SITE_URL, and RFC 8058 one-click needs an https URI there (mail providers ignore the
header otherwise, and the unsubscribe token would travel in clear)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def site_url_is_https(app_configs=None, **kwargs):
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        Error(
            f"SITE_URL is {settings.SITE_URL!r}: newsletter unsubscribe links must be https "
            "(RFC 8058).",
            hint="Set SITE_URL to the site's https:// address.",
            id="cms.E001",
        )
    ]
