import csv
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import AuditLog
from accounts.tests.factories import SuperuserFactory
from offers.models import Network, Offer
from tracking.tests.factories import ClickFactory

from .factories import CategoryFactory, MerchantFactory, NetworkFactory, OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(SuperuserFactory())
    return client


def _shown_token(response) -> str:
    [message] = [str(m) for m in response.context["messages"] if "postback token" in str(m)]
    return re.search(r"new postback token (\S+) ", message).group(1)


def _postback(client, network, token, click, txn):
    return client.get(
        reverse("tracking:network-postback", args=[network.slug]),
        {
            "token": token,
            "click_id": str(click.click_id),
            "txn_id": txn,
            "sale_amount": "10",
            "commission": "1",
        },
    )


def test_a_new_network_gets_a_token_shown_once_and_stored_only_as_a_digest(staff):
    response = staff.post(
        reverse("admin:offers_network_add"),
        {
            "name": "Everflow EU",
            "slug": "everflow-eu",
            "status": "active",
            "convention": "everflow",
            "param_aliases": "{}",
            "status_map": "{}",
            "confirmation_policy": "auto",
            "default_commission_rate": "5",
        },
        follow=True,
    )

    token = _shown_token(response)
    network = Network.objects.get(slug="everflow-eu")
    assert token not in network.postback_token_hash
    assert network.token_matches(token)
    assert network.postback_token_hint == token[-4:]
    change_page = staff.get(reverse("admin:offers_network_change", args=[network.pk]))
    assert token not in change_page.content.decode()


def test_rotating_the_token_retires_the_old_one(staff, client):
    network = NetworkFactory()
    click = ClickFactory(merchant=MerchantFactory(network=network))
    old_token = "net-token-0123456789"

    response = staff.post(
        reverse("admin:offers_network_changelist"),
        {"action": "rotate_token", "_selected_action": [network.pk]},
        follow=True,
    )

    new_token = _shown_token(response)
    assert _postback(staff, network, old_token, click, "R1").status_code == 403
    assert _postback(staff, network, new_token, click, "R2").status_code == 200
    assert AuditLog.objects.filter(action="network.rotate_token").count() == 1


def test_api_credentials_are_write_only(staff):
    network = NetworkFactory(api_credentials='{"key": "top-secret-key"}')
    url = reverse("admin:offers_network_change", args=[network.pk])

    page = staff.get(url).content.decode()
    form = staff.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(param_aliases="{}", status_map="{}", api_credentials="", logo="")
    staff.post(url, data)

    assert "top-secret-key" not in page
    network.refresh_from_db()
    assert network.api_credentials == '{"key": "top-secret-key"}'


def test_bulk_offer_actions_are_audited(staff):
    offers = [OfferFactory(status=Offer.Status.DRAFT) for _ in range(3)]
    other = OfferFactory(status=Offer.Status.DRAFT)

    staff.post(
        reverse("admin:offers_offer_changelist"),
        {"action": "activate", "_selected_action": [o.pk for o in offers]},
    )

    assert list(Offer.objects.filter(status="active").order_by("pk")) == offers
    other.refresh_from_db()
    assert other.status == "draft"
    log = AuditLog.objects.get(action="offer.bulk_activate")
    assert sorted(log.metadata["offer_ids"]) == [o.pk for o in offers]


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=sorted({k for row in rows for k in row}))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_import_command_upserts_good_rows_and_reports_bad_lines(tmp_path, capsys):
    network = NetworkFactory(slug="feed")
    MerchantFactory(slug="acme", network=network)
    MerchantFactory(slug="elsewhere")  # on another network
    CategoryFactory(slug="tech")
    feed = tmp_path / "offers.csv"
    feed.write_text(
        _csv(
            [
                {
                    "external_id": "A1",
                    "merchant": "acme",
                    "title": "Good one",
                    "type": "code",
                    "coupon_code": "SAVE",
                    "category": "tech",
                    "cashback_type": "percentage",
                    "cashback_value": "7.5",
                    "countries": "us, gb",
                },
                {
                    "external_id": "A2",
                    "merchant": "acme",
                    "title": "Bad percent",
                    "cashback_type": "percentage",
                    "cashback_value": "150",
                },
                {"external_id": "A3", "merchant": "elsewhere", "title": "Wrong network"},
                {
                    "external_id": "A4",
                    "merchant": "acme",
                    "title": "Bad dates",
                    "starts_at": "2026-05-01T00:00:00Z",
                    "ends_at": "2026-04-01T00:00:00Z",
                },
                {"external_id": "", "merchant": "acme", "title": "No id"},
                {
                    "external_id": "A6",
                    "merchant": "acme",
                    "title": "Bad URL",
                    "tracking_url": "javascript:alert(1)",
                },
                {"external_id": "A7", "merchant": "acme", "title": "Also good", "type": "sale"},
            ]
        )
    )

    with pytest.raises(CommandError, match=r"5 row\(s\) rejected"):
        call_command("import_offers", "feed", str(feed))

    captured = capsys.readouterr()
    assert "feed: 2 created, 0 updated, 5 rejected." in captured.out
    errors = captured.err.splitlines()
    assert [line.split(":")[1] for line in errors] == ["3", "4", "5", "6", "7"]
    assert errors[0] == "offers.csv:3: A percentage cashback must be between 0 and 100."
    assert "no store 'elsewhere' on this network" in errors[1]
    assert errors[2] == "offers.csv:5: The offer must end after it starts."
    assert errors[3] == "offers.csv:6: external_id: required"
    assert errors[4] == "offers.csv:7: tracking_url: Enter a valid URL."
    good = Offer.objects.get(external_id="A1")
    assert (good.title, good.coupon_code, good.category.slug) == ("Good one", "SAVE", "tech")
    assert good.allowed_countries == ["US", "GB"]
    assert set(Offer.objects.values_list("external_id", flat=True)) == {"A1", "A7"}


def test_importing_again_updates_instead_of_duplicating(tmp_path, capsys):
    network = NetworkFactory(slug="feed")
    MerchantFactory(slug="acme", network=network)
    feed = tmp_path / "offers.json"
    feed.write_text(json.dumps([{"external_id": "J1", "merchant": "acme", "title": "First"}]))
    call_command("import_offers", "feed", str(feed))
    feed.write_text(json.dumps([{"external_id": "J1", "merchant": "acme", "title": "Renamed"}]))

    call_command("import_offers", "feed", str(feed))

    assert "0 created, 1 updated, 0 rejected" in capsys.readouterr().out
    assert list(Offer.objects.values_list("title", flat=True)) == ["Renamed"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "x.csv"], "No network 'nope'"),
        (["feed", "offers.txt"], "must end in .csv or .json"),
        (["feed", "missing.csv"], "Cannot read"),
    ],
)
def test_import_command_refuses_bad_arguments(args, message):
    NetworkFactory(slug="feed")

    with pytest.raises(CommandError, match=message):
        call_command("import_offers", *args)


def test_admin_csv_export_round_trips_through_the_import_page(staff):
    network = NetworkFactory()
    store = MerchantFactory(network=network)
    OfferFactory(
        merchant=store, external_id="X1", title="Exported", coupon_code="C1", offer_type="code"
    )
    export = staff.post(
        reverse("admin:offers_offer_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(Offer.objects.values_list("pk", flat=True)),
        },
    )
    exported = export.content.decode().replace("Exported", "Edited in a spreadsheet")

    response = staff.post(
        reverse("admin:offers_offer_import"),
        {"network": network.pk, "file": SimpleUploadedFile("offers.csv", exported.encode())},
        follow=True,
    )

    assert "Import: 0 created, 1 updated, 0 rejected." in response.content.decode()
    assert Offer.objects.get(external_id="X1").title == "Edited in a spreadsheet"
    assert AuditLog.objects.filter(action="offer.import").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("offers.json", b"{not json", "This is not JSON"),
        ("offers.json", b'{"external_id": "J1"}', "A JSON feed is a list of offer objects."),
        ("offers.csv", b"\xff\xfe\x00bad", "The file is not UTF-8 text."),
    ],
)
def test_an_unreadable_feed_imports_nothing_from_the_command_or_the_admin(
    staff, tmp_path, name, content, message
):
    network = NetworkFactory(slug="feed")
    MerchantFactory(slug="acme", network=network)
    feed = tmp_path / name
    feed.write_bytes(content)

    with pytest.raises(CommandError, match=f"Cannot read {feed}: {message}"):
        call_command("import_offers", "feed", str(feed))
    page = staff.post(
        reverse("admin:offers_offer_import"),
        {"network": network.pk, "file": SimpleUploadedFile(name, content)},
    )

    assert page.status_code == 200
    assert f"Cannot read this file: {message}" in page.content.decode()
    assert (Offer.objects.count(), AuditLog.objects.filter(action="offer.import").count()) == (0, 0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("starts_at", "2026-13-45T00:00:00", "is not an ISO date and time"),
        ("title", "Half \x00 off", "title: Null characters are not allowed."),
    ],
)
def test_a_row_with_an_impossible_date_or_a_nul_is_rejected_not_a_500(staff, field, value, message):
    network = NetworkFactory()
    MerchantFactory(slug="acme", network=network)
    feed = json.dumps(
        [
            {"external_id": "BAD", "merchant": "acme", "title": "Bad", field: value},
            {"external_id": "OK", "merchant": "acme", "title": "Good"},
        ]
    )

    response = staff.post(
        reverse("admin:offers_offer_import"),
        {"network": network.pk, "file": SimpleUploadedFile("offers.json", feed.encode())},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Import: 1 created, 0 updated, 1 rejected." in page
    assert message in page
    assert list(Offer.objects.values_list("external_id", flat=True)) == ["OK"]
