"""Everything under /api/v1/. Each app contributes its routes here."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from accounts.api import MeApi, MyReferralsApi
from affiliates import api as partner
from offers.api import (
    CategoryListApi,
    MerchantDetailApi,
    MerchantListApi,
    OfferDetailApi,
    OfferListApi,
)
from tracking.api import MyClicksApi
from wallet.api import (
    MyCashbackApi,
    MyStatementApi,
    MyWalletApi,
    MyWithdrawalCancelApi,
    MyWithdrawalsApi,
)

partner_urls = [
    path("campaigns/", partner.PartnerCampaignsApi.as_view(), name="api-partner-campaigns"),
    path("links/", partner.PartnerLinksApi.as_view(), name="api-partner-links"),
    path("links/<int:pk>/", partner.PartnerLinkApi.as_view(), name="api-partner-link"),
    path("reports/", partner.PartnerReportsApi.as_view(), name="api-partner-reports"),
    path("conversions/", partner.PartnerConversionsApi.as_view(), name="api-partner-conversions"),
    path("payouts/", partner.PartnerPayoutsApi.as_view(), name="api-partner-payouts"),
    path("postbacks/", partner.PartnerPostbacksApi.as_view(), name="api-partner-postbacks"),
    path("postbacks/<int:pk>/", partner.PartnerPostbackApi.as_view(), name="api-partner-postback"),
    path(
        "postbacks/<int:pk>/test/",
        partner.PartnerPostbackTestApi.as_view(),
        name="api-partner-postback-test",
    ),
    path(
        "postbacks/<int:pk>/deliveries/",
        partner.PartnerDeliveriesApi.as_view(),
        name="api-partner-deliveries",
    ),
]

urlpatterns = [
    path("partner/", include(partner_urls)),
    path("", include("gamification.api_urls")),
    path("", include("support.api_urls")),
    path("", include("cms.api_urls")),
    path("", include("store.api_urls")),
    path("categories/", CategoryListApi.as_view(), name="api-categories"),
    path("merchants/", MerchantListApi.as_view(), name="api-merchants"),
    path("merchants/<slug:slug>/", MerchantDetailApi.as_view(), name="api-merchant"),
    path("offers/", OfferListApi.as_view(), name="api-offers"),
    path("offers/<int:pk>/", OfferDetailApi.as_view(), name="api-offer"),
    path("me/", MeApi.as_view(), name="api-me"),
    path("me/referrals/", MyReferralsApi.as_view(), name="api-me-referrals"),
    path("me/wallet/", MyWalletApi.as_view(), name="api-me-wallet"),
    path("me/cashback/", MyCashbackApi.as_view(), name="api-me-cashback"),
    path("me/clicks/", MyClicksApi.as_view(), name="api-me-clicks"),
    path("me/statement/", MyStatementApi.as_view(), name="api-me-statement"),
    path("me/withdrawals/", MyWithdrawalsApi.as_view(), name="api-me-withdrawals"),
    path(
        "me/withdrawals/<int:pk>/cancel/",
        MyWithdrawalCancelApi.as_view(),
        name="api-me-withdrawal-cancel",
    ),
]


@csrf_exempt
def api_not_found(request):
    """Anything else under /api/v1/ (an id that is not a number, say) is a JSON 404 like
    every other API answer, not the site's HTML page. Only paths ending in a slash, so
    APPEND_SLASH still redirects /api/v1/me to /api/v1/me/."""
    return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)


urlpatterns += [re_path(r"^(?:.*/)?$", api_not_found)]
