"""/api/v1/partner/…: a partner's own data, by API key or session, one module per
resource. Everything is scoped to the calling partner: another partner's object is a 404,
never a 403 that confirms it. config/api_urls.py routes the views named here."""

from .campaigns import PartnerCampaignsApi
from .conversions import PartnerConversionsApi
from .links import PartnerLinkApi, PartnerLinksApi
from .payouts import PartnerPayoutsApi
from .postbacks import (
    PartnerDeliveriesApi,
    PartnerPostbackApi,
    PartnerPostbacksApi,
    PartnerPostbackTestApi,
)
from .reports import PartnerReportsApi

__all__ = [
    "PartnerCampaignsApi",
    "PartnerConversionsApi",
    "PartnerDeliveriesApi",
    "PartnerLinkApi",
    "PartnerLinksApi",
    "PartnerPayoutsApi",
    "PartnerPostbackApi",
    "PartnerPostbackTestApi",
    "PartnerPostbacksApi",
    "PartnerReportsApi",
]
