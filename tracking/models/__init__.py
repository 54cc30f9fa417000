from .clicks import Click, OfferView, RollupState
from .postbacks import PostbackLog

__all__ = ["Click", "OfferView", "PostbackLog", "RollupState"]
