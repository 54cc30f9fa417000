"""Every write to accounts data goes through these functions (keyword-only arguments)."""

from .audit import audit_log
from .kyc import kyc_review, kyc_submit
from .referrals import referral_create, referral_resolve
from .sessions import (
    session_forget,
    session_record,
    session_rekey,
    session_revoke,
    session_revoke_all,
    session_revoke_others,
    sessions_clear_expired,
)
from .teams import team_create, team_member_add
from .transitions import transition, transition_claimed
from .users import (
    user_purge,
    user_set_status,
    user_signup,
    user_soft_delete,
    user_update,
    user_verification_resend,
    user_verify_email,
    users_purge_closed,
)

__all__ = [
    "audit_log",
    "kyc_review",
    "kyc_submit",
    "referral_create",
    "referral_resolve",
    "session_forget",
    "session_record",
    "session_rekey",
    "session_revoke",
    "session_revoke_all",
    "session_revoke_others",
    "sessions_clear_expired",
    "team_create",
    "team_member_add",
    "transition",
    "transition_claimed",
    "user_purge",
    "user_set_status",
    "user_signup",
    "user_soft_delete",
    "user_update",
    "user_verification_resend",
    "user_verify_email",
    "users_purge_closed",
]
