from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from accounts.admin_base import AuditedAdminMixin, BigTableAdmin, ReadOnlyAdminMixin
from accounts.services import audit_log

from ..models import Leaderboard, LeaderboardEntry
from ..services.leaderboard_live import leaderboard_refresh
from ..services.leaderboard_settle import leaderboards_settle
from ..services.leaderboard_standings import leaderboard_standings

STAFF_TOP = 20


@admin.register(Leaderboard)
class LeaderboardAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "type", "frequency", "prize_pool", "is_active", "settled_until")
    list_filter = ("type", "frequency", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("prize_pool", "settled_until", "live_standings")
    actions = ("refresh_now", "settle_ended")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # The beat settles ended periods and pays this table unattended: only who may
        # settle (Finance) sets it; editors keep the names, dates and rules.
        if not request.user.has_perm("gamification.settle_leaderboard"):
            fields.insert(0, "prize_table")
            if obj is not None:
                # The table is paid once per period: daily instead of monthly pays it 30 times.
                fields.insert(0, "frequency")
        return fields

    @admin.display(description=f"Live standings (top {STAFF_TOP})")
    def live_standings(self, board):
        if not board.pk:
            return "-"
        # As the public sees them; the entries list names everyone.
        standings = leaderboard_standings(board=board)
        if not standings.entries:
            return "Nobody ranked yet (or not refreshed)."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((e.rank, e.name, e.score, e.prize) for e in standings.entries[:STAFF_TOP]),
        )
        return format_html(
            "<p>Updated {} · {} ranked</p><table><tr><th>Rank</th><th>Shopper</th>"
            "<th>Score</th><th>Prize</th></tr>{}</table>",
            standings.refreshed_at,
            standings.participants,
            rows,
        )

    def has_settle_permission(self, request):
        return request.user.has_perm("gamification.settle_leaderboard")

    @admin.action(description="Refresh live standings now", permissions=["view"])
    def refresh_now(self, request, queryset):
        for board in queryset.order_by("pk"):
            ranked = leaderboard_refresh(board=board)
            audit_log(
                actor=request.user,
                action="leaderboard.refresh",
                entity=board,
                metadata={"ranked": ranked},
                request=request,
            )
        self.message_user(request, f"{queryset.count()} leaderboard(s) refreshed.")

    @admin.action(description="Settle ended periods (pays prizes)", permissions=["settle"])
    def settle_ended(self, request, queryset):
        report = leaderboards_settle(boards=queryset)
        for board in queryset.order_by("pk"):
            audit_log(
                actor=request.user,
                action="leaderboard.settle",
                entity=board,
                metadata={"paid": report.paid, "amount": str(report.amount)},
                request=request,
            )
        self.message_user(
            request,
            f"{report.periods} period(s) settled; {report.paid} prize(s) paid, "
            f"{report.amount} in all.",
            messages.SUCCESS if not report.unfinished else messages.WARNING,
        )


@admin.register(LeaderboardEntry)
class LeaderboardEntryAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = (
        "leaderboard",
        "period_start",
        "rank",
        "user",
        "score",
        "prize",
        "paid_transaction_key",
    )
    list_filter = ("leaderboard",)
    search_fields = ("user__email",)
    list_select_related = ("leaderboard", "user")
