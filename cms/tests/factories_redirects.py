"""Redirect rules for tests, written through the service that validates them."""

from cms.models import RedirectRule
from cms.services.redirects import RuleInput, redirect_save


def rule(source: str, target: str = "", *, match="exact", status=301, **fields) -> RedirectRule:
    return redirect_save(
        RuleInput(match=match, source=source, target=target, status_code=status, **fields)
    )
