"""Claims over the API and the pages: filing, refusals as {"code", "detail"} and form
errors, another shopper's claim not found, the proof served only to its owner and
support staff, and the Activity page's "Missing cashback?" link without a query per row."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from support.models import MissingCashbackClaim
from wallet.tests.factories import recorded_event

from .factories_claims import click_days_ago, counts, file_claim

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
API = "/api/v1/me/claims/"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _body(click, **overrides):
    return {
        "click_id": str(click.click_id),
        "order_id": "web-1",
        "order_date": (timezone.localdate() - timedelta(days=9)).isoformat(),
        "order_amount": "45.00",
        **overrides,
    }


def test_the_api_files_a_claim_and_lists_and_shows_only_the_callers():
    user = UserFactory()
    click = click_days_ago(user, 10)
    client = _client(user)

    created = client.post(API, _body(click), content_type="application/json")

    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["order_id"], body["order_amount"]) == ("on_ice", "WEB-1", "45.00")
    assert body["click_id"] == str(click.click_id)
    assert body["ticket"].startswith("SB-T")
    assert client.get(API).json()["results"][0]["id"] == body["id"]
    assert client.get(f"{API}{body['id']}/").json()["status"] == "on_ice"

    stranger = _client(UserFactory())
    assert stranger.get(f"{API}{body['id']}/").status_code == 404
    assert stranger.get(API).json()["results"] == []


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"click_id": "00000000-0000-0000-0000-000000000000"}, 404, "not_found"),
        ({"order_date": "2999-01-01"}, 400, "invalid_date"),
        ({"order_amount": "12.345"}, 400, "invalid_amount"),
        ({"order_amount": 12}, 201, None),
        ({"order_id": ""}, 400, "blank"),
    ],
)
def test_the_api_answers_each_refusal_with_its_code_and_writes_nothing(overrides, status, code):
    user = UserFactory()
    click = click_days_ago(user, 10)
    before = counts()

    response = _client(user).post(API, _body(click, **overrides), content_type="application/json")

    assert response.status_code == status, response.json()
    if code:
        assert response.json()["code"] == code
        assert counts() == before


def test_the_api_refuses_no_click_duplicate_and_already_tracked():
    user = UserFactory()
    client = _client(user)
    late_click = click_days_ago(user, 3)  # after the order, 9 days ago
    click = click_days_ago(user, 10)
    client.post(API, _body(click), content_type="application/json")
    tracked = click_days_ago(user, 10)
    event = recorded_event(user, merchant=tracked.merchant)
    type(event).objects.filter(pk=event.pk).update(click_uuid=tracked.click_id)
    before = counts()

    answers = [
        client.post(API, _body(c, order_id=o), content_type="application/json")
        for c, o in ((late_click, "n-1"), (click, "WEB-1"), (tracked, "t-1"))
    ]

    assert [(a.status_code, a.json()["code"]) for a in answers] == [
        (400, "no_click"),
        (409, "duplicate_claim"),
        (409, "already_tracked"),
    ]
    assert counts() == before


def test_the_api_needs_a_login():
    assert Client().get(API).status_code in (401, 403)


def test_the_form_files_a_claim_with_a_proof_and_lists_it_on_ice():
    user = UserFactory()
    click = click_days_ago(user, 10)
    client = _client(user)
    url = reverse("support:claim-new") + f"?click={click.click_id}"

    page = client.get(url)
    assert page.status_code == 200 and click.merchant.name in page.content.decode()
    response = client.post(
        url,
        {
            "click": str(click.click_id),
            "order_id": "f-9",
            "order_date": (timezone.localdate() - timedelta(days=9)).isoformat(),
            "order_amount": "19.99",
            "proof": SimpleUploadedFile("receipt.png", PNG, content_type="image/png"),
        },
    )

    assert response.status_code == 302
    claim = MissingCashbackClaim.objects.get()
    assert (claim.order_id, claim.proof_content_type) == ("F-9", "image/png")
    listing = client.get(reverse("support:claims")).content.decode()
    assert "F-9" in listing and "On ice" in listing
    proof = client.get(reverse("support:claim-proof", args=[claim.pk]))
    assert proof.status_code == 200 and b"".join(proof.streaming_content) == PNG


def test_a_refusal_is_a_form_error_with_its_detail_and_a_wrong_file_type_is_refused():
    user = UserFactory()
    click = click_days_ago(user, 10)
    client = _client(user)
    url = reverse("support:claim-new") + f"?click={click.click_id}"
    data = {
        "click": str(click.click_id),
        "order_id": "f-9",
        "order_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "order_amount": "19.99",
    }

    early = client.post(url, data)
    data["order_date"] = (timezone.localdate() - timedelta(days=9)).isoformat()
    fake = client.post(
        url,
        {
            **data,
            "proof": SimpleUploadedFile("x.png", b"<html>hi</html>", content_type="image/png"),
        },
    )

    assert early.status_code == 200
    assert "you can file this claim from" in early.context["form"].errors["order_date"][0]
    assert fake.status_code == 200
    assert fake.context["form"].errors["proof"] == ["Upload a PNG or JPEG image or a PDF document."]
    assert counts() == (0, 0, 0)


def test_another_shoppers_claim_click_and_proof_are_not_found_but_support_staff_get_the_proof():
    owner = UserFactory()
    claim = file_claim(owner)
    MissingCashbackClaim.objects.filter(pk=claim.pk).update(proof="claims/x.png")
    stranger = _client(UserFactory())

    assert stranger.get(reverse("support:claim", args=[claim.pk])).status_code == 404
    assert stranger.get(reverse("support:claim-proof", args=[claim.pk])).status_code == 404
    new = reverse("support:claim-new") + f"?click={claim.click_uuid}"
    assert stranger.get(new).status_code == 404
    finance = StaffFactory()
    finance.groups.add(Group.objects.get(name="Finance"))
    assert _client(finance).get(reverse("support:claim-proof", args=[claim.pk])).status_code == 404


def test_a_proof_whose_file_is_gone_is_not_found_not_an_error(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    owner = UserFactory()
    claim = file_claim(owner)
    MissingCashbackClaim.objects.filter(pk=claim.pk).update(proof="claims/gone.png")

    answer = _client(owner).get(reverse("support:claim-proof", args=[claim.pk]))

    assert answer.status_code == 404


def test_activity_offers_missing_cashback_only_for_clicks_without_a_sale_in_constant_queries(
    django_assert_max_num_queries,
):
    user = UserFactory()
    client = _client(user)
    sold = click_days_ago(user, 5)
    event = recorded_event(user, merchant=sold.merchant)
    type(event).objects.filter(pk=event.pk).update(click_uuid=sold.click_id)
    unsold = click_days_ago(user, 4)
    client.get(reverse("tracking:activity"))
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("tracking:activity"))
    for _ in range(5):
        click_days_ago(user, 3)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("tracking:activity")).content.decode()

    assert page.count('data-test="missing-cashback"') == 6
    assert f"?click={unsold.click_id}" in page and f"?click={sold.click_id}" not in page
