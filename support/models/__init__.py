from .claims import ClaimBatch, MissingCashbackClaim
from .notifications import (
    Category,
    Channel,
    KnownDevice,
    Notification,
    NotificationDelivery,
    NotificationInbox,
    NotificationPreference,
)
from .telegram import Announcement, AnnouncementDelivery, TelegramUpdate
from .tickets import CannedReply, Ticket, TicketAttachment, TicketMessage

__all__ = [
    "Announcement",
    "AnnouncementDelivery",
    "CannedReply",
    "Category",
    "Channel",
    "ClaimBatch",
    "KnownDevice",
    "MissingCashbackClaim",
    "Notification",
    "NotificationDelivery",
    "NotificationInbox",
    "NotificationPreference",
    "TelegramUpdate",
    "Ticket",
    "TicketAttachment",
    "TicketMessage",
]
