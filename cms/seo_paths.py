"""Which paths search engines are kept out of: robots.txt's Disallow lines and the
`noindex` every per-user page carries, decided by path prefix in one place (no view has to
remember it)."""

# Per-user pages: a shopper's account, money, activity, messages, claims and rewards, the
# partner portal (all of it behind a login), the newsletter's confirmation pages. A bot
# that reaches one anyway (a shared link) sees `noindex`.
PRIVATE_PREFIXES = (
    "/accounts/",
    "/dashboard/",
    "/wallet/",
    "/activity/",
    "/notifications/",
    "/support/",
    "/rewards/",
    "/races/link-account/",
    "/partners/",
    "/newsletter/",
)

# Search results: endless near-duplicate pages, one per query a bot can make up.
SEARCH_PREFIX = "/search/"

NOINDEX_PREFIXES = (SEARCH_PREFIX, *PRIVATE_PREFIXES)

# Never to be crawled: click-outs and the view beacon (a bot following them would count
# clicks and views nobody made), postbacks, the API and the admin.
MACHINE_PREFIXES = ("/out/", "/go/", "/v/", "/postback/", "/api/", "/admin/")

# The partner portal stays crawlable: it is linked from every page, and a bot must be
# able to fetch it to read its `noindex` (a Disallowed page can still be indexed bare).
DISALLOW_PREFIXES = (
    *MACHINE_PREFIXES,
    *(prefix for prefix in PRIVATE_PREFIXES if prefix != "/partners/"),
    SEARCH_PREFIX,
)


def is_noindex_path(path: str) -> bool:
    return path.startswith(NOINDEX_PREFIXES)
