from .category import Category
from .merchant import Merchant, MerchantCommission
from .network import Network
from .offer import Offer
from .stats import MerchantDailyStats, OfferDailyStats, TopOffersReport
from .terms import CashbackTerms, CashbackType

__all__ = [
    "CashbackTerms",
    "CashbackType",
    "Category",
    "Merchant",
    "MerchantCommission",
    "MerchantDailyStats",
    "Network",
    "Offer",
    "OfferDailyStats",
    "TopOffersReport",
]
