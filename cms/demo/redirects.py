"""Demo: the issue's two redirects (an exact one and a regex with a capture)."""

from ..models import RedirectRule
from ..services.redirects import RuleInput, redirect_save

RULES = [
    (RedirectRule.Match.EXACT, "/old-stores/", "/stores/"),
    (RedirectRule.Match.REGEX, r"^/shop/(?P<slug>[-\w]+)/$", "/store/$1/"),
]


def seed() -> list[str]:
    for match, source, target in RULES:
        # redirect_save updates a rule with the same match and source: runs twice fine.
        redirect_save(
            RuleInput(
                match=match,
                source=source,
                target=target,
                status_code=RedirectRule.StatusCode.MOVED_PERMANENTLY,
                note="Demo",
            )
        )
    return [f"redirects: {source} → {target} (301)" for _, source, target in RULES]
