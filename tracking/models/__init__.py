from .clicks import AffiliateClick, Click, OfferView, RollupState
from .postbacks import PostbackLog

__all__ = ["AffiliateClick", "Click", "OfferView", "PostbackLog", "RollupState"]
