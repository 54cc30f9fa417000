from .apikeys import ApiKey
from .conversions import Conversion
from .links import DailyClicks, Link
from .partner import Partner, PartnerCampaign, PartnerGoalCommission
from .postbacks import PartnerPostback, PostbackDelivery

__all__ = [
    "ApiKey",
    "Conversion",
    "DailyClicks",
    "Link",
    "Partner",
    "PartnerCampaign",
    "PartnerGoalCommission",
    "PartnerPostback",
    "PostbackDelivery",
]
