from django.urls import path

from .views import (
    campaigns,
    conversions,
    dashboard,
    integrations,
    links,
    onboarding,
    payouts,
    reports,
    team,
)

app_name = "affiliates"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("apply/", onboarding.apply, name="apply"),
    path("pending/", onboarding.pending, name="pending"),
    path("campaigns/", campaigns.marketplace, name="campaigns"),
    path("campaigns/<slug:slug>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<slug:slug>/request/", campaigns.access_request, name="access-request"),
    path("links/", links.links, name="links"),
    path("links/<int:pk>/status/", links.link_status, name="link-status"),
    path("reports/", reports.reports, name="reports"),
    path("reports.csv", reports.reports_csv, name="reports-csv"),
    path("conversions/", conversions.conversions, name="conversions"),
    path("payouts/", payouts.payouts, name="payouts"),
    path("payouts/request/", payouts.payout_request, name="payout-request"),
    path("payouts/details/", payouts.payout_details, name="payout-details"),
    path("postbacks/", integrations.postbacks, name="postbacks"),
    path("postbacks/<int:pk>/", integrations.postback_detail, name="postback"),
    path("postbacks/<int:pk>/test/", integrations.postback_test, name="postback-test"),
    path("postbacks/<int:pk>/delete/", integrations.postback_delete_view, name="postback-delete"),
    path("api-keys/", integrations.api_keys, name="api-keys"),
    path("api-keys/<int:pk>/revoke/", integrations.api_key_revoke_view, name="api-key-revoke"),
    path("team/", team.team, name="team"),
    path("team/members/<int:pk>/role/", team.team_member_role, name="team-member-role"),
    path("team/members/<int:pk>/remove/", team.team_member_remove, name="team-member-remove"),
    path(
        "team/invitations/<int:pk>/revoke/",
        team.team_invitation_revoke,
        name="team-invitation-revoke",
    ),
    path("team/leave/", team.team_leave_view, name="team-leave"),
    path("team/join/<str:token>/", team.team_join, name="team-join"),
    path("switch/", team.partner_switch, name="switch"),
]
