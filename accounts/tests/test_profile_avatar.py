import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def _png(size=(32, 32)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, "PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_avatar_upload_is_saved(client):
    me = UserFactory(first_name="Ana")
    client.force_login(me)

    response = client.post(
        reverse("accounts:profile"), {"first_name": "Ana", "avatar": _png()}, format="multipart"
    )

    assert response.status_code == 302
    me.refresh_from_db()
    assert me.avatar.name.startswith("avatars/")
    assert me.avatar.name.endswith(".png")


def test_a_non_image_is_refused(client):
    me = UserFactory()
    client.force_login(me)
    fake = SimpleUploadedFile("me.png", b"not an image at all", content_type="image/png")

    response = client.post(reverse("accounts:profile"), {"first_name": "X", "avatar": fake})

    assert response.status_code == 200
    assert "avatar" in response.context["form"].errors
    me.refresh_from_db()
    assert not me.avatar
    assert me.first_name != "X"


def test_an_oversized_picture_is_refused(client, monkeypatch):
    from accounts import forms

    monkeypatch.setattr(forms, "AVATAR_MAX_BYTES", 10)
    me = UserFactory()
    client.force_login(me)

    response = client.post(reverse("accounts:profile"), {"first_name": "X", "avatar": _png()})

    assert response.context["form"].errors["avatar"] == ["The picture must be 2 MB or smaller."]
    me.refresh_from_db()
    assert not me.avatar
