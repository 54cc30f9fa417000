"""The post admin as a Content editor could abuse it: a shopper made the author (their
full name printed as the byline and in the post's JSON-LD), a cover image of any size."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.tests.factories import UserFactory
from cms.models import Post

from .factories_pages import content_editor

pytestmark = pytest.mark.django_db

ADD = reverse("admin:cms_post_add")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _png(width: int, height: int) -> SimpleUploadedFile:
    # Noise does not compress: 1100 x 700 RGB is about 2.3 MB as a PNG.
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")


def _form(author, **fields):
    return {
        "title": "Stacking",
        "slug": "stacking",
        "excerpt": "",
        "body": "Body",
        "author": author.pk,
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "seo_title": "",
        "seo_description": "",
        "canonical_url": "",
        "_save": "Save",
        **fields,
    }


def test_a_shopper_cannot_be_made_the_author_of_a_post(client):
    editor = content_editor()
    shopper = UserFactory(first_name="Private", last_name="Shopper")
    client.force_login(editor)

    refused = client.post(ADD, _form(shopper))
    accepted = client.post(ADD, _form(editor))

    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert accepted.status_code == 302
    assert list(Post.objects.values_list("author", flat=True)) == [editor.pk]


def test_a_cover_image_over_2_mb_is_a_form_error_and_a_small_one_is_kept(client):
    editor = content_editor()
    client.force_login(editor)
    big = _png(1100, 700)
    assert big.size > 2 * 1024 * 1024

    refused = client.post(ADD, _form(editor, cover_image=big))
    accepted = client.post(ADD, _form(editor, cover_image=_png(40, 20)))

    assert refused.status_code == 200
    assert "The cover image must be 2 MB or smaller." in refused.content.decode()
    assert accepted.status_code == 302
    post = Post.objects.get()
    assert post.cover_image.name.startswith("blog/cover")
