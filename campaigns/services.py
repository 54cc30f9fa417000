import secrets

from django.db import transaction

from accounts.services import audit_log
from config.tokens import hash_token

from .models import Campaign


def campaign_rotate_token(*, campaign: Campaign, actor, request=None) -> str:
    """A new conversion-postback token for the advertiser; shown once, the old one dies."""
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(
            postback_token_hash=hash_token(token), postback_token_hint=token[-4:]
        )
        audit_log(actor=actor, action="campaign.rotate_token", entity=campaign, request=request)
    campaign.refresh_from_db(fields=["postback_token_hash", "postback_token_hint"])
    return token
