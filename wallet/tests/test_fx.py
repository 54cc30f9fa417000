"""Sales in another currency: converted at the rate of their sale date (or the latest in
the 7 days before), both amounts kept; the rates table and `manage.py import_fx_rates`."""

import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from offers.tests.factories import NETWORK_TOKEN
from tracking.models import Click, PostbackLog
from tracking.tests.factories import ClickFactory
from wallet.models import CashbackEvent, Entry, FxRate, Transaction

from .factories import balances

pytestmark = pytest.mark.django_db

D = Decimal


def _day(days_ago: int) -> date:
    return timezone.localdate() - timedelta(days=days_ago)


@pytest.fixture
def click():
    """A shopper's click at 10% cashback, 20 days ago."""
    click = ClickFactory()
    Click.objects.filter(pk=click.pk).update(created_at=timezone.now() - timedelta(days=20))
    return click


def _send(client, click, sold_on: date | None, **overrides):
    params = {
        "token": NETWORK_TOKEN,
        "click_id": str(click.click_id),
        "txn_id": "EU-1",
        "sale_amount": "100.00",
        "commission": "8.00",
        "currency": "EUR",
        **overrides,
    }
    if sold_on is not None:
        params["sale_date"] = datetime.combine(sold_on, time(12), tzinfo=UTC).isoformat()
    return client.get(
        reverse("tracking:network-postback", args=[click.merchant.network.slug]), params
    )


def _rate(days_ago: int, rate: str, currency: str = "EUR") -> FxRate:
    return FxRate.objects.create(date=_day(days_ago), currency=currency, rate=D(rate))


def test_the_rate_of_the_sale_date_is_used_not_todays(client, click):
    _rate(10, "1.1000")
    _rate(0, "1.2500")

    response = _send(client, click, _day(10))

    assert response.status_code == 200, response.content
    event = CashbackEvent.objects.get()
    assert (event.sale_amount, event.commission, event.currency) == (D("110.00"), D("8.80"), "USD")
    assert (event.original_currency, event.original_sale_amount, event.original_commission) == (
        "EUR",
        D("100.00"),
        D("8.00"),
    )
    assert event.fx_rate == D("1.1")
    assert event.cashback_amount == D("8.80")  # 10% of 110.00 = 11.00, capped by 8.80
    assert balances(click.user)["pending"] == D("8.80")


def test_without_a_rate_that_day_the_latest_in_the_week_before_is_used(client, click):
    _rate(16, "0.9000")  # 7 days before the sale: too old
    _rate(15, "1.0500")  # 6 days before the sale
    _rate(8, "1.3000")  # after the sale

    response = _send(client, click, _day(9))

    assert response.status_code == 200, response.content
    assert CashbackEvent.objects.values_list("fx_rate", "sale_amount").get() == (
        D("1.05"),
        D("105.00"),
    )


def test_a_rate_eight_days_old_is_no_rate_and_nothing_is_written(client, click):
    _rate(18, "1.1000")  # 8 days before the sale
    _rate(9, "1.2000")  # the day after it

    response = _send(client, click, _day(10))

    assert response.status_code == 422
    assert (response.json()["status"], response.json()["code"]) == ("error", "no_fx_rate")
    assert (CashbackEvent.objects.count(), Transaction.objects.count(), Entry.objects.count()) == (
        0,
        0,
        0,
    )
    log = PostbackLog.objects.get()
    assert (log.outcome, log.http_status, log.code) == ("failure", 422, "no_fx_rate")


def test_cashback_is_worked_out_on_the_converted_amounts_to_the_cent(client, click):
    # EUR 33.33 * 1.0875 = 36.246375 → 36.25; EUR 5.55 * 1.0875 = 6.035625 → 6.04;
    # 10% of 36.25 = 3.625 → 3.63 (half up), under the 6.04 commission.
    _rate(3, "1.0875")

    response = _send(client, click, _day(3), sale_amount="33.33", commission="5.55")

    assert response.status_code == 200, response.content
    assert response.json()["event"]["cashback"] == "3.63"
    event = CashbackEvent.objects.get()
    assert (event.sale_amount, event.commission, event.cashback_amount) == (
        D("36.25"),
        D("6.04"),
        D("3.63"),
    )
    assert balances(click.user) == {"available": D("0.00"), "pending": D("3.63"), "hold": D("0.00")}


def test_a_eur_sale_shows_both_amounts_to_the_shopper(client, click):
    _rate(4, "1.0850")
    _send(client, click, _day(4))
    client.force_login(click.user)

    api = client.get("/api/v1/me/cashback/").json()["results"][0]
    page = client.get(reverse("tracking:activity")).content.decode()

    assert api["sale_amount"] == "108.50"
    assert api["cashback"] == "8.68"  # 10% of 108.50 = 10.85, capped by the 8.68 commission
    assert api["currency"] == "USD"
    assert (
        api["original_currency"],
        api["original_sale_amount"],
        api["original_commission"],
        api["fx_rate"],
    ) == ("EUR", "100.00", "8.00", "1.0850000000")
    assert api["sale_date"] == f"{_day(4)}T12:00:00Z"
    assert "108.50" in page
    assert "EUR 100.00 at 1.085000" in page


def test_a_platform_currency_sale_shows_no_foreign_amounts(client, click):
    _send(client, click, None, currency="USD")
    client.force_login(click.user)

    api = client.get("/api/v1/me/cashback/").json()["results"][0]

    assert (
        api["original_currency"],
        api["original_sale_amount"],
        api["original_commission"],
        api["fx_rate"],
    ) == ("", None, None, None)


def test_a_postback_refused_for_want_of_a_rate_is_replayed_once_the_rate_exists(client, click):
    refused = _send(client, click, _day(2))
    assert refused.status_code == 422
    call_command("replay_postbacks", "--since", "2000-01-01", stdout=io.StringIO())
    assert CashbackEvent.objects.count() == 0  # still no rate: the replay fails again

    _rate(2, "1.1000")
    out = io.StringIO()
    call_command("replay_postbacks", "--since", "2000-01-01", stdout=out)

    # The postback as received is replayed (replays themselves are not replayed again).
    assert out.getvalue() == "Replayed: 1 success.\n"
    event = CashbackEvent.objects.get()
    assert (event.external_txn_id, event.original_currency, event.fx_rate, event.sale_amount) == (
        "EU-1",
        "EUR",
        D("1.1"),
        D("110.00"),
    )
    assert balances(click.user)["pending"] == D("8.80")
    assert Transaction.objects.count() == 1


# --- import_fx_rates ---------------------------------------------------------------------


def _import(tmp_path, text: str, name="rates.csv", *flags):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_fx_rates", str(path), *flags, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), str(exc)
    return out.getvalue(), err.getvalue(), None


def _table():
    return sorted(FxRate.objects.values_list("date", "currency", "rate", "source"))


@pytest.mark.parametrize("header", ["date,currency,rate\n", ""])
def test_the_header_row_is_optional(tmp_path, header):
    out, err, failed = _import(
        tmp_path, f"{header}2026-11-02,EUR,1.0850\n2026-11-02,gbp,1.27\n\n2026-11-03,EUR,1.09\n"
    )

    assert (failed, err) == (None, "")
    assert out == "FX rates from rates.csv: 3 added, 0 changed, 0 unchanged.\n"
    assert _table() == [
        (date(2026, 11, 2), "EUR", D("1.085"), "file rates.csv"),
        (date(2026, 11, 2), "GBP", D("1.27"), "file rates.csv"),
        (date(2026, 11, 3), "EUR", D("1.09"), "file rates.csv"),
    ]


def test_importing_again_updates_changed_rates_and_keeps_the_rest(tmp_path):
    _import(tmp_path, "2026-11-02,EUR,1.0850\n2026-11-02,GBP,1.27\n")
    before = FxRate.objects.get(currency="GBP")

    out, _, failed = _import(
        tmp_path, "2026-11-02,EUR,1.0900\n2026-11-02,GBP,1.2700\n2026-11-03,EUR,1.1\n", "v2.csv"
    )

    assert failed is None
    assert out == "FX rates from v2.csv: 1 added, 1 changed, 1 unchanged.\n"
    assert _table() == [
        (date(2026, 11, 2), "EUR", D("1.09"), "file v2.csv"),
        (date(2026, 11, 2), "GBP", D("1.27"), "file rates.csv"),  # untouched
        (date(2026, 11, 3), "EUR", D("1.1"), "file v2.csv"),
    ]
    assert FxRate.objects.get(currency="GBP").updated_at == before.updated_at
    assert FxRate.objects.count() == 3


def test_a_file_with_bad_rows_imports_nothing_and_names_every_bad_line(tmp_path):
    FxRate.objects.create(date=date(2026, 11, 1), currency="EUR", rate=D("1.05"))
    text = (
        "date,currency,rate\n"  # 1
        "2026-11-02,EUR,1.0850\n"  # 2: good
        "2026-11-02,USD,1\n"  # 3: the platform currency
        "2026-11-02,EURO,1.1\n"  # 4
        "2026-11-02,CHF,0\n"  # 5
        "2026-11-02,CHF,-1.02\n"  # 6
        "2026-11-02,JPY,1,08\n"  # 7: four columns
        "2026-11-02,SEK,\uff11.08\n"  # 8: full-width digit
        "2026-13-01,NOK,0.09\n"  # 9
        "02/11/2026,DKK,0.14\n"  # 10
        "2026-11-02,EUR,1.09\n"  # 11: EUR on that day again
        "2026-11-02,CAD,1.1e2\n"  # 12
        "2026-11-02,MXN,0.00000000001\n"  # 13: more places than the table keeps
        "2026-11-01,EUR,1.07\n"  # 14: good, would change the existing rate
    )

    out, err, failed = _import(tmp_path, text)

    assert failed == "11 row(s) failed; nothing was imported."
    assert out == "FX rates from rates.csv: 11 bad row(s): nothing imported.\n"
    lines = [line.split(":", 2)[1] for line in err.splitlines()]
    assert lines == ["3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"]
    assert "rates.csv:3: invalid_fx_rate: USD is the platform currency" in err
    assert "rates.csv:11: EUR 2026-11-02 is on line 2 already." in err
    assert "rates.csv:8: invalid_amount: rate:" in err
    assert _table() == [(date(2026, 11, 1), "EUR", D("1.05"), "")]


def test_a_missing_file_is_a_clean_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_fx_rates", str(tmp_path / "nope.csv"))


def test_an_imported_rate_converts_the_next_postback(client, click, tmp_path):
    _import(tmp_path, f"{_day(1)},EUR,1.2000\n")

    response = _send(client, click, _day(1))

    assert response.status_code == 200, response.content
    assert CashbackEvent.objects.get().sale_amount == D("120.00")


def test_a_slipped_decimal_point_refuses_the_file_unless_the_jump_is_allowed(tmp_path):
    FxRate.objects.create(date=date(2026, 11, 1), currency="EUR", rate=D("1.08"))
    text = "2026-11-02,EUR,1.09\n2026-11-03,EUR,109\n"

    _out, err, failed = _import(tmp_path, text)

    assert failed == "1 row(s) failed; nothing was imported."
    assert err == (
        "rates.csv:2: fx_rate_jump: EUR 109 on 2026-11-03 is more than 20% away from 1.09 on "
        "2026-11-02; confirm it if the rate really moved that much.\n"
    )
    assert FxRate.objects.count() == 1

    _out, _err, allowed = _import(tmp_path, text, "rates.csv", "--allow-jumps")
    assert allowed is None
    assert FxRate.objects.get(date=date(2026, 11, 3)).rate == D("109")
