"""Every admin page we register renders for a superuser: catches broken list_display,
filters and fieldsets the moment a model changes."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.roles import OWN_APPS
from accounts.tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db

MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in OWN_APPS
)


@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_changelist_and_add_render(client, app_label, model_name):
    client.force_login(SuperuserFactory())

    changelist = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    add = client.get(reverse(f"admin:{app_label}_{model_name}_add"))

    assert changelist.status_code == 200
    assert add.status_code in (200, 403)  # 403: append-only records have no add page
