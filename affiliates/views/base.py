"""What every partner portal page shares: who may see it."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from ..models import Partner


def partner_page(view):
    """Approved partners only: others are sent to apply, or to their application's status.

    The partner is `request.partner`; every query in the portal is scoped to it, so another
    partner's object is simply not found (404).
    """

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        partner = Partner.objects.filter(user=request.user).first()
        if partner is None:
            return redirect("affiliates:apply")
        if not partner.is_approved:
            return redirect("affiliates:pending")
        request.partner = partner
        return view(request, *args, **kwargs)

    return wrapped
