"""A slug change leaves a 301 from the old URL, one hop, for stores, categories, pages
and posts; renaming back leaves no loop."""

import pytest

from cms.models import Page, Post, RedirectRule
from offers.tests.factories import CategoryFactory, MerchantFactory

from .factories_redirects import rule

pytestmark = pytest.mark.django_db


def _rules():
    return sorted(
        RedirectRule.objects.filter(is_active=True).values_list("source", "target", "origin")
    )


def _rename(obj, slug, capture):
    with capture(execute=True):
        obj.slug = slug
        obj.save()


def _page(**fields):
    return Page.objects.create(title="About", slug="about", body="Hi.", **fields)


def _post(**fields):
    return Post.objects.create(title="Hello", slug="hello", body="Hi.", **fields)


@pytest.mark.parametrize(
    ("make", "url"),
    [
        (lambda: MerchantFactory(slug="a"), "/store/{}/"),
        (lambda: CategoryFactory(slug="a"), "/category/{}/"),
        (lambda: Page.objects.create(title="A", slug="a", body="x"), "/p/{}/"),
        (lambda: Post.objects.create(title="A", slug="a", body="x"), "/blog/{}/"),
    ],
)
def test_renaming_a_to_b_to_c_leaves_every_old_url_one_hop_from_c(
    client, django_capture_on_commit_callbacks, make, url
):
    obj = make()
    _rename(obj, "b", django_capture_on_commit_callbacks)
    assert _rules() == [(url.format("a"), url.format("b"), "slug_change")]

    _rename(obj, "c", django_capture_on_commit_callbacks)

    assert _rules() == [
        (url.format("a"), url.format("c"), "slug_change"),
        (url.format("b"), url.format("c"), "slug_change"),
    ]
    response = client.get(url.format("a"))
    assert (response.status_code, response["Location"]) == (301, url.format("c"))


def test_renaming_back_leaves_no_loop(client, django_capture_on_commit_callbacks):
    store = MerchantFactory(slug="a")
    _rename(store, "b", django_capture_on_commit_callbacks)

    _rename(store, "a", django_capture_on_commit_callbacks)

    assert _rules() == [("/store/b/", "/store/a/", "slug_change")]
    assert client.get("/store/a/").status_code == 200
    assert client.get("/store/b/")["Location"] == "/store/a/"


def test_a_staff_rule_pointing_at_the_old_url_is_re_pointed(django_capture_on_commit_callbacks):
    store = MerchantFactory(slug="a")
    rule("/partner-a/", "/store/a/")

    _rename(store, "b", django_capture_on_commit_callbacks)

    assert _rules() == [
        ("/partner-a/", "/store/b/", "manual"),
        ("/store/a/", "/store/b/", "slug_change"),
    ]


def test_a_staff_rule_on_the_new_url_is_switched_off_not_deleted(
    django_capture_on_commit_callbacks,
):
    rule("/store/b/", "/stores/")
    store = MerchantFactory(slug="a")

    _rename(store, "b", django_capture_on_commit_callbacks)

    assert _rules() == [("/store/a/", "/store/b/", "slug_change")]
    assert RedirectRule.objects.get(source="/store/b/").is_active is False


def test_a_save_without_a_slug_change_or_a_rolled_back_rename_writes_nothing(
    django_capture_on_commit_callbacks,
):
    page = _page()
    with django_capture_on_commit_callbacks(execute=True):
        page.title = "About us"
        page.save()
    post = _post()
    with django_capture_on_commit_callbacks(execute=False):  # never committed
        post.slug = "bye"
        post.save()

    assert RedirectRule.objects.count() == 0
