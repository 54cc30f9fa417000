"""robots.txt, and `noindex` on search results and every per-user page (by path prefix,
whatever the view), never on the catalogue."""

import pytest

from accounts.tests.factories import UserFactory
from offers.tests.factories import CategoryFactory, MerchantFactory, OfferFactory

from .factories_pages import PageFactory

pytestmark = pytest.mark.django_db

NOINDEX = '<meta name="robots" content="noindex,follow">'


def test_robots_txt_names_the_sitemap_and_disallows_private_and_machine_paths(client, settings):
    settings.SITE_URL = "https://www.savebucks.test"

    response = client.get("/robots.txt", HTTP_HOST="127.0.0.1")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\n"
        "Disallow: /out/\n"
        "Disallow: /go/\n"
        "Disallow: /v/\n"
        "Disallow: /postback/\n"
        "Disallow: /api/\n"
        "Disallow: /admin/\n"
        "Disallow: /accounts/\n"
        "Disallow: /dashboard/\n"
        "Disallow: /wallet/\n"
        "Disallow: /activity/\n"
        "Disallow: /notifications/\n"
        "Disallow: /support/\n"
        "Disallow: /rewards/\n"
        "Disallow: /races/link-account/\n"
        "Disallow: /newsletter/\n"
        "Disallow: /search/\n"
        "\n"
        "Sitemap: https://www.savebucks.test/sitemap.xml\n"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/profile/",
        "/accounts/referrals/",
        "/accounts/sessions/",
        "/dashboard/",
        "/wallet/statement/",
        "/wallet/withdraw/",
        "/activity/",
        "/notifications/",
        "/notifications/preferences/",
        "/support/",
        "/support/claims/",
        "/rewards/",
        "/partners/apply/",
    ],
)
def test_per_user_pages_are_noindex(client, path):
    client.force_login(UserFactory())

    response = client.get(path)

    assert response.status_code == 200
    assert response.content.decode().count(NOINDEX) == 1


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/search/?q=shoes"])
def test_login_signup_and_search_results_are_noindex(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.content.decode().count(NOINDEX) == 1


def test_the_catalogue_and_content_pages_are_indexable(client):
    store = MerchantFactory(slug="acme")
    offer = OfferFactory(merchant=store)
    CategoryFactory(slug="shoes")
    PageFactory(slug="about")
    paths = [
        "/",
        "/stores/",
        "/store/acme/",
        f"/offer/{offer.pk}/",
        "/category/shoes/",
        "/p/about/",
        "/races/",
        "/leaderboards/",
    ]

    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'name="robots"' not in response.content.decode(), path


def test_a_logged_in_shopper_sees_the_store_page_indexable_too(client):
    MerchantFactory(slug="acme")
    client.force_login(UserFactory())

    html = client.get("/store/acme/").content.decode()

    assert 'name="robots"' not in html


@pytest.mark.django_db
def test_favicon_ico_answers_with_the_icon_and_stays_out_of_the_404_log(client):
    from cms.models import NotFoundEntry

    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.ico"
    assert NotFoundEntry.objects.count() == 0
    assert '<link rel="icon" href="/static/img/favicon.ico"' in client.get("/").content.decode()
