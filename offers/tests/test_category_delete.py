"""A category that offers name cannot be deleted (seed 000): staff get a reason on the
delete page and from the "delete selected" action, and nothing is deleted or changed."""

import pytest
from django.contrib.auth.models import Group
from django.db.models import ProtectedError
from django.urls import reverse

from accounts.tests.factories import StaffFactory
from offers.models import Category, Offer

from .factories import CategoryFactory, OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Administrator"))
    client.force_login(staff)
    return client


def _categories_of_offers():
    return dict(Offer.objects.values_list("pk", "category_id"))


def test_the_database_refuses_to_un_categorise_offers():
    category = CategoryFactory()
    OfferFactory(category=category, status=Offer.Status.INACTIVE)

    with pytest.raises(ProtectedError):
        category.delete()

    assert Category.objects.filter(pk=category.pk).exists()


def test_delete_page_explains_and_refuses_for_a_category_with_offers(admin_client):
    category = CategoryFactory(name="Travel")
    OfferFactory.create_batch(2, category=category)
    OfferFactory(category=category, status=Offer.Status.EXPIRED)
    before = _categories_of_offers()
    url = reverse("admin:offers_category_delete", args=[category.pk])

    page = admin_client.get(url)
    posted = admin_client.post(url, {"post": "yes"})

    assert (page.status_code, posted.status_code) == (200, 200)
    for response in (page, posted):
        html = response.content.decode()
        assert "cannot be deleted while offers are in it" in html
        assert "Travel: " in html
        assert f"?category__id__exact={category.pk}" in html
        assert "3 offer(s)</a>, 2 of them active" in html
        assert 'name="post"' not in html  # no confirm button
    assert Category.objects.filter(pk=category.pk).exists()
    assert _categories_of_offers() == before


def test_soft_deleted_offers_still_hold_their_category(admin_client):
    category = CategoryFactory(name="Old")
    OfferFactory(category=category, status=Offer.Status.INACTIVE, deleted_at="2026-01-01T00:00Z")

    response = admin_client.post(
        reverse("admin:offers_category_delete", args=[category.pk]), {"post": "yes"}
    )

    assert "1 offer(s)</a>, 0 of them active" in response.content.decode()
    assert Category.objects.filter(pk=category.pk).exists()


def test_an_empty_category_is_deleted_from_its_delete_page(admin_client):
    category = CategoryFactory()
    OfferFactory(category=CategoryFactory())  # another category's offer does not block

    response = admin_client.post(
        reverse("admin:offers_category_delete", args=[category.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Category.objects.filter(pk=category.pk).exists()


def test_delete_selected_refuses_all_while_any_selected_category_has_offers(admin_client):
    empty = CategoryFactory(name="Empty")
    used = CategoryFactory(name="Used")
    OfferFactory(category=used)
    before = _categories_of_offers()

    response = admin_client.post(
        reverse("admin:offers_category_changelist"),
        {"action": "delete_selected", "_selected_action": [empty.pk, used.pk], "post": "yes"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was deleted: these categories still have offers in them." in html
    assert "Used: " in html
    assert "Empty: " not in html
    assert Category.objects.filter(pk__in=[empty.pk, used.pk]).count() == 2
    assert _categories_of_offers() == before


def test_delete_selected_deletes_categories_without_offers(admin_client):
    chosen = CategoryFactory.create_batch(2)
    kept = CategoryFactory()

    response = admin_client.post(
        reverse("admin:offers_category_changelist"),
        {"action": "delete_selected", "_selected_action": [c.pk for c in chosen], "post": "yes"},
    )

    assert response.status_code == 302
    assert list(Category.objects.all()) == [kept]


def test_a_content_editor_may_not_delete_categories(client):
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(editor)
    category = CategoryFactory()

    response = client.post(
        reverse("admin:offers_category_delete", args=[category.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Category.objects.filter(pk=category.pk).exists()
