import secrets

from django.db import transaction

from accounts.services import audit_log
from config.tokens import hash_token

from ..models import Network


def network_rotate_token(*, network: Network, actor, request=None) -> str:
    """Give the network a new postback token and return it: the only time it is seen.
    The old token stops working at once."""
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        Network.objects.filter(pk=network.pk).update(
            postback_token_hash=hash_token(token), postback_token_hint=token[-4:]
        )
        audit_log(actor=actor, action="network.rotate_token", entity=network, request=request)
    network.refresh_from_db(fields=["postback_token_hash", "postback_token_hint"])
    return token


def network_rotate_hmac_secret(*, network: Network, actor, request=None) -> str:
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        network.hmac_secret = secret
        network.save(update_fields=["hmac_secret", "updated_at"])
        audit_log(actor=actor, action="network.rotate_hmac_secret", entity=network, request=request)
    return secret
