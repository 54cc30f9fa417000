"""What we may believe about the client behind a request."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it saw, so the entry that
    many places from the end is the last one a client could not have forged.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request, limit: int = 512) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:limit]


# HTTP libraries and command-line tools: not a person with a browser, whatever they claim.
SCRIPTED_CLIENTS = (
    "curl/",
    "wget/",
    "python-requests/",
    "python-urllib/",
    "go-http-client/",
    "java/",
    "okhttp/",
    "libwww-perl/",
    "apache-httpclient/",
    "scrapy/",
    "httpie/",
)


def describe_user_agent(ua: str) -> dict[str, str]:
    """Browser, OS and device class of a User-Agent, parsed by ua-parser's maintained rules."""
    from ua_parser import parse  # imported late: building the matchers is not free

    result = parse(ua) if ua else None
    browser = (result.user_agent.family if result and result.user_agent else "") or "Unknown"
    os_name = (result.os.family if result and result.os else "") or "Unknown"
    device = (result.device.family if result and result.device else "") or ""
    if result and result.user_agent and result.user_agent.major:
        browser = f"{browser} {result.user_agent.major}"
    lowered = ua.lower()
    # Crawlers first: Googlebot's smartphone agent also reads as an Android phone.
    if (
        device == "Spider"
        or browser.startswith(("Googlebot", "bingbot"))
        or lowered.startswith(SCRIPTED_CLIENTS)
    ):
        kind = "bot"
    elif (
        "ipad" in lowered
        or "tablet" in lowered
        or ("android" in lowered and "mobile" not in lowered)
    ):
        kind = "tablet"
    elif "mobi" in lowered or os_name in {"iOS", "Android"}:
        kind = "mobile"
    else:
        kind = "desktop"
    return {"browser": browser, "os": os_name, "kind": kind, "label": f"{browser} on {os_name}"}


def client_country(request) -> str:
    """Two-letter country set by a trusted proxy or CDN (GEOIP_COUNTRY_HEADER), or ""."""
    header = settings.GEOIP_COUNTRY_HEADER
    if not header:
        return ""
    value = request.META.get(header, "").strip().upper()
    return value if len(value) == 2 and value.isalpha() else ""
