"""Categories and stores have an optional banner: uploaded in the admin, shown at the top
of their public page, and the page is whole without one."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.tests.factories import StaffFactory
from offers.models import Category
from offers.models import validators as offer_validators

from .factories import CategoryFactory, MerchantFactory, OfferFactory

pytestmark = pytest.mark.django_db


def _png(name="banner.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 30), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("kind", ["category", "merchant"])
def test_the_page_shows_the_banner_when_one_is_set(client, kind):
    row = CategoryFactory() if kind == "category" else MerchantFactory()
    row.banner = _png()
    row.save()
    if kind == "category":
        OfferFactory(category=row, title="In the category")

    response = client.get(row.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-test="banner"') == 1
    assert f'<img src="{row.banner.url}"' in html
    assert row.banner.name.startswith(
        "categories/banners/" if kind == "category" else "merchants/banners/"
    )


@pytest.mark.parametrize("kind", ["category", "merchant"])
def test_the_page_is_whole_without_a_banner(client, kind):
    row = CategoryFactory(name="Plain") if kind == "category" else MerchantFactory(name="Plain")
    OfferFactory(
        title="Still listed",
        **({"category": row} if kind == "category" else {"merchant": row}),
    )

    response = client.get(row.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-test="banner"' not in html
    assert "Plain" in html and "Still listed" in html


@pytest.fixture
def editor(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(staff)
    return client


def test_a_content_editor_uploads_a_category_banner_in_the_admin(editor):
    category = CategoryFactory(name="Travel", slug="travel")

    response = editor.post(
        reverse("admin:offers_category_change", args=[category.pk]),
        {
            "name": "Travel",
            "slug": "travel",
            "sort_order": 0,
            "is_active": "on",
            "banner": _png("travel.png"),
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    category.refresh_from_db()
    assert category.banner.name.startswith("categories/banners/travel")


def test_the_admin_refuses_a_banner_that_is_not_an_image_or_too_big(editor, monkeypatch):
    category = CategoryFactory(name="Travel", slug="travel")
    url = reverse("admin:offers_category_change", args=[category.pk])
    fields = {"name": "Travel", "slug": "travel", "sort_order": 0, "is_active": "on"}
    monkeypatch.setattr(offer_validators, "BANNER_MAX_BYTES", 10)

    not_image = editor.post(
        url, {**fields, "banner": SimpleUploadedFile("x.png", b"text", content_type="image/png")}
    )
    too_big = editor.post(url, {**fields, "banner": _png()})

    assert [r.status_code for r in (not_image, too_big)] == [200, 200]
    assert "Upload a valid image" in str(not_image.context["adminform"].form.errors["banner"])
    assert too_big.context["adminform"].form.errors["banner"] == [
        "The banner must be 2 MB or smaller."
    ]
    assert not Category.objects.get(pk=category.pk).banner


def test_the_size_rule_lets_a_small_image_through():
    offer_validators.validate_banner_size(_png())

    with pytest.raises(ValidationError):
        offer_validators.validate_banner_size(
            SimpleUploadedFile("big.png", b"x" * (offer_validators.BANNER_MAX_BYTES + 1))
        )
