from django import template
from django.conf import settings

from ..newsletter_lists import public_lists
from ..services.newsletter_preferences import newsletter_preferences

register = template.Library()


@register.inclusion_tag("cms/newsletter/_form.html", takes_context=True)
def newsletter_form(context, source="footer", dom_id="", refill=False):
    """The subscribe form; its lists come from the per-process cache (no query: the footer
    renders on every page). `dom_id` keeps ids unique when a page shows a second form with
    the same source; `refill` puts back what a refused POST typed."""
    return {
        "dom_id": dom_id or source,
        "email": context.get("email", "") if refill else "",
        "selected": context.get("selected", "") if refill else "",
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "lists": public_lists(),
        "consent_text": settings.NEWSLETTER_CONSENT_TEXT,
        "source": source,
    }


@register.inclusion_tag("cms/newsletter/_preferences.html", takes_context=True)
def newsletter_preferences_block(context):
    user = context["request"].user
    return {
        "csrf_token": context.get("csrf_token"),
        "rows": newsletter_preferences(user),
        "email_verified": user.email_verified,
    }
