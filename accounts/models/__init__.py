from .history import StatusChange
from .kyc import KYC_FIELDS, SENSITIVE_KYC_FIELDS, UserKyc
from .referral import Referral
from .session import UserSession
from .staff import AuditLog, Department
from .team import Team, TeamInvitation, TeamMember
from .telegram import TelegramLink, TelegramLinkToken, VerificationRequest
from .user import User, UserManager, generate_referral_code

__all__ = [
    "KYC_FIELDS",
    "SENSITIVE_KYC_FIELDS",
    "AuditLog",
    "Department",
    "Referral",
    "StatusChange",
    "Team",
    "TeamInvitation",
    "TeamMember",
    "TelegramLink",
    "TelegramLinkToken",
    "User",
    "UserKyc",
    "UserManager",
    "UserSession",
    "VerificationRequest",
    "generate_referral_code",
]
