"""The header's unread count: the counter row by primary key, read only when a template
prints it (a lazy value), and never for an anonymous visitor."""

from django.utils.functional import SimpleLazyObject

from .services.notifications import unread_count


def notifications_unread(request):
    def count():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return unread_count(user)

    return {"notifications_unread": SimpleLazyObject(count)}
