import pytest
from django.db import IntegrityError
from django.urls import reverse

from offers.models import Category

pytestmark = pytest.mark.django_db


def test_ancestors_are_root_first_and_str_shows_the_parent():
    root = Category.objects.create(name="Fashion", slug="fashion")
    shoes = Category.objects.create(name="Shoes", slug="shoes", parent=root)
    trainers = Category.objects.create(name="Trainers", slug="trainers", parent=shoes)

    assert trainers.ancestors() == [root, shoes]
    assert str(shoes) == "Fashion / Shoes"


def test_a_category_cannot_be_its_own_parent():
    category = Category.objects.create(name="Travel", slug="travel")

    with pytest.raises(IntegrityError):
        Category.objects.filter(pk=category.pk).update(parent=category)


def test_home_lists_active_top_level_categories_featured_first(client):
    Category.objects.create(name="Appliances", slug="appliances")
    electronics = Category.objects.create(name="Electronics", slug="electronics", is_featured=True)
    Category.objects.create(name="Hidden", slug="hidden", is_featured=True, is_active=False)
    Category.objects.create(name="Phones", slug="phones", parent=electronics)

    response = client.get(reverse("home"))

    assert [c.name for c in response.context["categories"]] == ["Electronics", "Appliances"]
