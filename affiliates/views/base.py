"""What every partner portal page shares: who may see it, and what they may do there."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from ..permissions import SESSION_KEY, Action, choose_partner, partners_for, role_allows

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def partner_page(view=None, *, action: str = Action.VIEW, post: str | None = None):
    """Approved partner accounts only: others are sent to apply, or to their application's
    status. Reading the page needs `action`; sending it a form (any other method) needs
    `post` (default: `action`). A role short of that gets 403 (permissions' role table).

    The partner is `request.partner` (the account holder's, or the team's the user works
    in), the user's role in it `request.team_role`; every query in the portal is scoped to
    the partner, so another partner's object is simply not found (404).
    """

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            choices = partners_for(request.user)
            partner, role = choose_partner(choices, request.session.get(SESSION_KEY))
            if partner is None:
                return redirect("affiliates:apply")
            if not partner.is_approved:
                return redirect("affiliates:pending")
            needed = action if request.method in SAFE_METHODS else (post or action)
            if not role_allows(role, needed):
                raise PermissionDenied(
                    f"Your role ({role}) in this partner account may not do this."
                )
            request.partner, request.team_role = partner, role
            request.team_can = {a.value: role_allows(role, a) for a in Action}
            # The switcher: the approved accounts this user may act for.
            request.partner_choices = [p for p, _ in choices if p.is_approved]
            return view(request, *args, **kwargs)

        wrapped.partner_actions = (action, post or action)
        return wrapped

    return decorate(view) if view is not None else decorate
