"""The FX rates admin: Finance and Administrators keep the table (every change audited);
a support agent may look but not change."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory, SuperuserFactory
from wallet.models import FxRate

pytestmark = pytest.mark.django_db

D = Decimal
CHANGELIST = reverse("admin:wallet_fxrate_changelist")
ADD = reverse("admin:wallet_fxrate_add")


def _staff_in(role):
    staff = SuperuserFactory() if role == "Administrator" else StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    return staff


def _form(**changes):
    return {"date": "2026-11-02", "currency": "EUR", "rate": "1.0850", "source": "ECB", **changes}


@pytest.mark.parametrize("role", ["Finance", "Administrator"])
def test_finance_and_administrators_add_and_change_rates_and_it_is_audited(client, role):
    staff = _staff_in(role)
    client.force_login(staff)

    added = client.post(ADD, _form(currency="eur"))

    assert added.status_code == 302, added.context and added.context["adminform"].form.errors
    rate = FxRate.objects.get()
    assert (rate.date, rate.currency, rate.rate, rate.source) == (
        date(2026, 11, 2),
        "EUR",
        D("1.085"),
        "ECB",
    )
    changed = client.post(
        reverse("admin:wallet_fxrate_change", args=[rate.pk]), _form(rate="1.0900")
    )

    assert changed.status_code == 302
    rate.refresh_from_db()
    assert rate.rate == D("1.09")
    logs = list(AuditLog.objects.order_by("id").values_list("actor", "action", "entity_id"))
    assert logs == [
        (staff.pk, "fxrate.admin_add", str(rate.pk)),
        (staff.pk, "fxrate.admin_change", str(rate.pk)),
    ]
    assert AuditLog.objects.latest("id").metadata["fields"] == {
        "rate": {"old": "1.0850000000", "new": "1.0900"}
    }


def test_a_support_agent_sees_rates_but_cannot_add_or_change_them(client):
    rate = FxRate.objects.create(date=date(2026, 11, 2), currency="EUR", rate=D("1.085"))
    client.force_login(_staff_in("Support agent"))

    listed = client.get(CHANGELIST)
    add_page = client.get(ADD)
    added = client.post(ADD, _form(date="2026-11-03"))
    changed = client.post(reverse("admin:wallet_fxrate_change", args=[rate.pk]), _form(rate="9.99"))
    deleted = client.post(reverse("admin:wallet_fxrate_delete", args=[rate.pk]), {"post": "yes"})

    assert listed.status_code == 200
    assert (add_page.status_code, added.status_code, deleted.status_code) == (403, 403, 403)
    assert changed.status_code == 403  # the change page is read-only for them
    rate.refresh_from_db()
    assert (FxRate.objects.count(), rate.rate) == (1, D("1.085"))
    assert AuditLog.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"currency": "USD"}, "currency"),  # the platform currency needs no rate
        ({"currency": "E1"}, "currency"),
        ({"rate": "0"}, "rate"),
        ({"rate": "-1.2"}, "rate"),
        ({"rate": "\uff11.08"}, "rate"),  # full-width digit
        ({"rate": " 1.08"}, "rate"),
    ],
)
def test_the_admin_refuses_what_the_import_refuses(client, changes, field):
    client.force_login(_staff_in("Finance"))

    response = client.post(ADD, _form(**changes))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    assert FxRate.objects.count() == 0
    assert AuditLog.objects.count() == 0


def test_one_rate_per_currency_and_day(client):
    FxRate.objects.create(date=date(2026, 11, 2), currency="EUR", rate=D("1.085"))
    client.force_login(_staff_in("Finance"))

    response = client.post(ADD, _form(rate="1.2"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert FxRate.objects.get().rate == D("1.085")


def test_the_list_filters_and_searches_by_currency(client):
    for currency, day in (("EUR", 2), ("GBP", 2), ("EUR", 3)):
        FxRate.objects.create(date=date(2026, 11, day), currency=currency, rate=D("1.1"))
    client.force_login(_staff_in("Finance"))

    searched = client.get(CHANGELIST, {"q": "gbp"})
    filtered = client.get(CHANGELIST, {"currency": "EUR"})

    assert [r.currency for r in searched.context["cl"].result_list] == ["GBP"]
    assert [(r.date.day, r.currency) for r in filtered.context["cl"].result_list] == [
        (3, "EUR"),
        (2, "EUR"),
    ]


def test_a_rate_far_from_its_neighbour_needs_confirming(client):
    """108 typed for 1.08 would pay every foreign sale a hundredfold."""
    FxRate.objects.create(date=date(2026, 11, 1), currency="EUR", rate=D("1.0800"))
    client.force_login(_staff_in("Finance"))

    slipped = client.post(ADD, _form(rate="108"))

    assert slipped.status_code == 200
    assert "more than 20% away from 1.0800000000" in slipped.content.decode()
    assert FxRate.objects.count() == 1

    near = client.post(ADD, _form(rate="1.1500"))  # 6.5%: an ordinary move
    confirmed = client.post(ADD, _form(date="2026-11-03", rate="1.5000", confirm_jump="on"))

    assert (near.status_code, confirmed.status_code) == (302, 302)
    assert sorted(FxRate.objects.values_list("rate", flat=True)) == [
        D("1.0800"),
        D("1.1500"),
        D("1.5000"),
    ]
