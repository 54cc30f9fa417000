from .clicks import AffiliateClick, Click, OfferView, RollupState
from .postbacks import PostbackLog
from .retention import OfferClicksBefore, PruneState

__all__ = [
    "AffiliateClick",
    "Click",
    "OfferClicksBefore",
    "OfferView",
    "PostbackLog",
    "PruneState",
    "RollupState",
]
