from .apikeys import ApiKey
from .conversions import Conversion
from .links import DailyClicks, Link
from .partner import Partner, PartnerCampaign, PartnerGoalCommission
from .postbacks import PartnerPostback, PostbackDelivery
from .stats import CampaignDailyStats, PartnerDailyStats

__all__ = [
    "ApiKey",
    "CampaignDailyStats",
    "Conversion",
    "DailyClicks",
    "Link",
    "Partner",
    "PartnerCampaign",
    "PartnerDailyStats",
    "PartnerGoalCommission",
    "PartnerPostback",
    "PostbackDelivery",
]
