from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from config.errors import Refusal
from gamification.services.bonus_codes import bonus_code_create


def _end_of_day(value: str) -> datetime:
    """--expires 2026-12-31: the code works until that day ends in TIME_ZONE."""
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--expires {value!r} is not a date written YYYY-MM-DD.") from exc
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class Command(BaseCommand):
    help = (
        "Create a bonus code, e.g. `create_bonus_code WELCOME5 --amount 5.00 --max-uses 100 "
        "--expires 2026-12-31`. Codes are case-insensitive (stored upper-case), paid once per "
        "shopper. Exit 1 with a message on a taken code, a bad amount or a past date."
    )

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--amount", required=True, help="e.g. 5.00")
        parser.add_argument(
            "--max-uses", type=int, default=0, help="Total redemptions; 0 (default) = unlimited."
        )
        parser.add_argument("--expires", help="Last day it works, YYYY-MM-DD (TIME_ZONE).")
        parser.add_argument("--description", default="")

    def handle(self, *args, code, amount, max_uses, expires, description, **options):
        expires_at = _end_of_day(expires) if expires else None
        try:
            bonus = bonus_code_create(
                code=code,
                amount=amount,
                max_uses=max_uses,
                expires_at=expires_at,
                description=description,
            )
        except Refusal as refused:
            raise CommandError(refused.detail) from refused
        limit = f"{bonus.max_uses} uses" if bonus.max_uses else "unlimited uses"
        until = f", until {expires}" if expires else ""
        self.stdout.write(f"Bonus code {bonus.code}: {bonus.amount}, {limit}{until}.")
