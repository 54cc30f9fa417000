import secrets

from django.utils import timezone

from config.errors import Refusal
from config.tokens import hash_token, token_matches

from ..models import ApiKey, Partner
from ..models.apikeys import KEY_ROLES
from ..permissions import RANK, team_role


class ApiKeyRefused(Refusal):
    pass


def api_key_create(
    *, partner: Partner, name: str, created_by=None, role: str = "admin"
) -> tuple[ApiKey, str]:
    """A new key; the returned raw key is the only time anyone sees it. It acts with
    `role`, which may not exceed its creator's (the account holder when not given), and
    stays capped by the creator's role for as long as it lives (permissions.key_role)."""
    if not partner.is_approved:
        raise ApiKeyRefused("partner_not_approved", "Your partner account is not approved.")
    created_by = created_by or partner.user
    if role not in dict(KEY_ROLES):
        raise ApiKeyRefused("invalid_role", "Choose admin, member or viewer.", field="role")
    creator_role = team_role(created_by, partner)
    if creator_role is None or RANK[role] > RANK[creator_role]:
        raise ApiKeyRefused("role_above_yours", "A key cannot do more than you may.", field="role")
    prefix = secrets.token_hex(4)
    raw = f"{prefix}.{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        partner=partner,
        name=name.strip() or "API key",
        prefix=prefix,
        key_hash=hash_token(raw),
        role=role,
        created_by=created_by,
    )
    return key, raw


def api_key_revoke(*, key: ApiKey) -> bool:
    return bool(
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


def api_key_check(raw: str) -> ApiKey | None:
    """The live key for `raw`, compared in constant time, or None."""
    prefix = raw.split(".", 1)[0]
    key = (
        ApiKey.objects.select_related("partner__user", "created_by")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if key is None or not token_matches(raw, key.key_hash):
        return None
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key
