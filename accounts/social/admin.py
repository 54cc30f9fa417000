"""allauth's admin pages, trimmed to what we use.

Provider apps come from settings (a SocialApp row would do nothing), tokens are not
stored and allauth's EmailAddress table is unused (User.email is the address): their admin
pages go. Linked provider accounts stay visible, read-only: moving one to another user
would hand that user's logins to someone else, unaudited.
"""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin

from ..admin_base import BigTableAdmin, ReadOnlyAdminMixin

for model in (SocialApp, SocialToken, EmailAddress, SocialAccount):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(SocialAccount)
class SocialAccountAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("user", "provider", "uid", "date_joined", "last_login")
    list_filter = ("provider",)
    search_fields = ("user__email", "uid")
    list_select_related = ("user",)
    fields = ("user", "provider", "uid", "date_joined", "last_login")
