from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from config.testing import data_statements
from offers.models import Offer
from offers.tests.factories import MerchantFactory, OfferFactory
from tracking.models import Click
from tracking.views import click_out_offer

pytestmark = pytest.mark.django_db

CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)


def _out(offer):
    return reverse("tracking:out-offer", args=[offer.pk])


def _query(location) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query, keep_blank_values=True).items()}


def test_logged_in_click_out_records_the_click_and_redirects_with_its_id(client, settings):
    settings.GEOIP_COUNTRY_HEADER = "HTTP_CF_IPCOUNTRY"
    user = UserFactory()
    offer = OfferFactory(
        cashback_type="percentage",
        cashback_value=Decimal("7.5"),
        cashback_max=Decimal("20.00"),
        merchant__slug="acme",
        merchant__tracking_url="https://track.example.com/c?sub={click_id}&u={user_id}&o={offer_id}&m={merchant}",
    )
    client.force_login(user)

    response = client.get(
        _out(offer),
        HTTP_USER_AGENT=CHROME_ANDROID,
        HTTP_REFERER="http://testserver/store/acme/",
        HTTP_CF_IPCOUNTRY="gb",
        REMOTE_ADDR="203.0.113.10",
    )

    assert response.status_code == 302
    click = Click.objects.get()
    assert response["Location"].startswith("https://track.example.com/c?")
    assert _query(response["Location"]) == {
        "sub": str(click.click_id),
        "u": str(user.pk),
        "o": str(offer.pk),
        "m": "acme",
    }
    assert (click.user, click.offer, click.merchant) == (user, offer, offer.merchant)
    assert (click.cashback_type, click.cashback_value, click.cashback_max) == (
        "percentage",
        Decimal("7.5000"),
        Decimal("20.00"),
    )
    assert (click.ip, click.device_type, click.country) == ("203.0.113.10", "mobile", "GB")
    assert click.referrer == "http://testserver/store/acme/"
    assert "no-store" in response["Cache-Control"]


def test_an_offer_without_its_own_cashback_snapshots_the_stores(client):
    offer = OfferFactory(merchant__cashback_type="fixed", merchant__cashback_value=Decimal("3.00"))
    client.force_login(UserFactory())

    client.get(_out(offer))

    click = Click.objects.get()
    assert (click.cashback_type, click.cashback_value) == ("fixed", Decimal("3.0000"))


def test_anonymous_shopper_is_offered_login_or_continuing_without_cashback(client):
    offer = OfferFactory()

    response = client.get(_out(offer))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/accounts/login/?next=/out/{offer.pk}/"' in html
    assert f'href="/out/{offer.pk}/?guest=1"' in html
    assert Click.objects.count() == 0


def test_continuing_without_cashback_tracks_an_anonymous_click(client):
    offer = OfferFactory()

    response = client.get(_out(offer), {"guest": "1"})

    assert response.status_code == 302
    click = Click.objects.get()
    assert click.user is None
    assert _query(response["Location"])["sub"] == str(click.click_id)
    assert _query(response["Location"])["u"] == ""


def test_logging_in_from_the_choice_page_continues_the_click_out(client):
    user = UserFactory(email="kim@example.com")
    offer = OfferFactory()

    login = client.post(
        f"{reverse('accounts:login')}?next={_out(offer)}",
        {"username": "kim@example.com", "password": PASSWORD, "next": _out(offer)},
    )
    assert login.url == _out(offer)
    response = client.get(login.url)

    assert response.status_code == 302
    assert Click.objects.get().user == user


@pytest.mark.parametrize(
    "change",
    [
        {"status": Offer.Status.INACTIVE},
        {"status": Offer.Status.DRAFT},
        {"status": Offer.Status.EXPIRED},
        {"ends_at": timezone.now() - timedelta(minutes=1)},
        {"starts_at": timezone.now() + timedelta(days=1)},
        {"deleted_at": timezone.now()},
    ],
    ids=["inactive", "draft", "expired", "ended", "not-started", "deleted"],
)
def test_offers_that_are_not_live_never_redirect(client, change):
    offer = OfferFactory(**change)
    client.force_login(UserFactory())

    response = client.get(_out(offer))

    assert response.status_code == 404
    assert Click.objects.count() == 0


def test_an_inactive_store_takes_its_offers_down(client):
    offer = OfferFactory(merchant__is_active=False)
    client.force_login(UserFactory())

    assert client.get(_out(offer)).status_code == 404
    assert (
        client.get(reverse("tracking:out-merchant", args=[offer.merchant.slug])).status_code == 404
    )


def test_store_wide_click_out(client):
    merchant = MerchantFactory(slug="shoes-r-us", cashback_value=Decimal("4"))
    client.force_login(UserFactory())

    response = client.get(reverse("tracking:out-merchant", args=["shoes-r-us"]))

    click = Click.objects.get()
    assert (click.offer, click.merchant, click.cashback_value) == (
        None,
        merchant,
        Decimal("4.0000"),
    )
    assert _query(response["Location"])["m"] == "shoes-r-us"


def test_never_redirects_to_a_url_from_the_request(client):
    offer = OfferFactory()
    client.force_login(UserFactory())

    response = client.get(
        _out(offer),
        {"url": "https://evil.example/", "next": "https://evil.example/", "to": "//evil"},
    )

    assert urlsplit(response["Location"]).netloc == "track.example.com"


def test_country_and_device_restrictions(client, settings):
    settings.GEOIP_COUNTRY_HEADER = "HTTP_CF_IPCOUNTRY"
    offer = OfferFactory(allowed_countries=["US"], allowed_devices=["desktop"])
    client.force_login(UserFactory())

    abroad = client.get(_out(offer), HTTP_CF_IPCOUNTRY="DE")
    on_phone = client.get(_out(offer), HTTP_CF_IPCOUNTRY="US", HTTP_USER_AGENT=CHROME_ANDROID)
    at_home = client.get(_out(offer), HTTP_CF_IPCOUNTRY="US")

    assert (abroad.status_code, on_phone.status_code, at_home.status_code) == (403, 403, 302)
    assert Click.objects.count() == 1


def test_the_click_out_view_makes_two_queries(settings):
    """The view itself: one SELECT (offer with its store), one INSERT (the click)."""
    offer = OfferFactory()
    user = UserFactory()
    request = RequestFactory().get(_out(offer))
    request.user = user  # what AuthenticationMiddleware resolves before the view runs

    with data_statements() as statements:
        response = click_out_offer(request, offer.pk)

    assert response.status_code == 302
    assert statements == ["SELECT offers_offer", "INSERT tracking_click"]


def test_the_whole_request_adds_only_the_user_lookup(client):
    offer = OfferFactory()
    client.force_login(UserFactory())

    with data_statements() as statements:
        response = client.get(_out(offer))

    assert response.status_code == 302
    # The session comes from the cache; the user row is read (lazily) by the auth layer.
    assert statements == ["SELECT offers_offer", "SELECT accounts_user", "INSERT tracking_click"]
