"""Shopper pages: the leaderboards list and one board's standings."""

from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from config.errors import Refusal

from .models import Leaderboard
from .services.leaderboard_live import board_prizes
from .services.leaderboard_periods import current_period
from .services.leaderboard_standings import ends_in, leaderboard_standings


def leaderboard_list(request):
    now = timezone.now()
    boards = [
        (board, current_period(board, now))
        for board in Leaderboard.objects.filter(is_active=True).order_by("name")
    ]
    rows = [(board, period, ends_in(period.end_at, now)) for board, period in boards]
    return render(request, "gamification/leaderboards/list.html", {"rows": rows})


def leaderboard_detail(request, slug):
    board = get_object_or_404(Leaderboard, slug=slug, is_active=True)
    now = timezone.now()
    try:
        standings = leaderboard_standings(
            board=board, which=request.GET.get("period", "current"), viewer=request.user, now=now
        )
    except Refusal as exc:
        return HttpResponseBadRequest(exc.detail)
    prizes = sorted(board_prizes(board).items())
    return render(
        request,
        "gamification/leaderboards/detail.html",
        {
            "board": board,
            "standings": standings,
            "prizes": prizes,
            "ends_in": ends_in(standings.period.end_at, now) if standings.period else "",
        },
    )
