"""codes_import_csv: all or nothing, every refused row named by its number and never by
its code, counts-only audit, and the low-stock latch re-armed by an import."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditLog
from store.models import Code, CodeImport
from store.services import code_import
from store.services.code_import import CodeImportInvalid, codes_import_csv
from store.services.codes import code_digest
from store.services.errors import StoreRefused

from .factories import SaveBucksProductFactory, VariantFactory, add_codes
from .factories_ops import csv_text, csv_upload, staff

pytestmark = pytest.mark.django_db

FUTURE = (timezone.localdate() + timedelta(days=200)).isoformat()
TODAY = timezone.localdate().isoformat()


def _import(variant, text, **kwargs):
    return codes_import_csv(
        variant=variant, file=csv_upload(text, **kwargs), actor=staff("Finance")
    )


def _refused(variant, text, **kwargs) -> CodeImportInvalid:
    with pytest.raises(CodeImportInvalid) as caught:
        _import(variant, text, **kwargs)
    return caught.value


def test_a_clean_file_is_imported_encrypted_with_last4_and_audited_by_counts():
    variant = VariantFactory()
    finance = staff("Finance")
    text = csv_text(
        [("ABCD-1111-WXYZ", "9911", FUTURE), ("abcd 2222 wxyq", "", ""), ("ZZTOP7788", "77", "")]
    )

    batch = codes_import_csv(
        variant=variant, file=csv_upload(text, name="march.csv", bom=True), actor=finance
    )

    assert (batch.variant, batch.actor, batch.filename, batch.rows, batch.imported) == (
        variant,
        finance,
        "march.csv",
        3,
        3,
    )
    codes = list(Code.objects.filter(variant=variant).order_by("pk"))
    assert [(c.code, c.pin, c.last4, c.status, c.code_import_id) for c in codes] == [
        ("ABCD-1111-WXYZ", "9911", "WXYZ", "available", batch.pk),
        ("abcd 2222 wxyq", "", "WXYQ", "available", batch.pk),
        ("ZZTOP7788", "77", "7788", "available", batch.pk),
    ]
    assert codes[0].expires_on.isoformat() == FUTURE and codes[1].expires_on is None
    assert codes[1].digest == code_digest("ABCD2222WXYQ")
    [entry] = AuditLog.objects.filter(action="store.codes_import")
    assert (entry.actor, entry.entity_id) == (finance, str(batch.pk))
    assert entry.metadata == {"variant": variant.pk, "rows": 3, "imported": 3}


def test_every_bad_row_is_listed_by_number_and_nothing_is_imported():
    variant = VariantFactory()
    other = VariantFactory()
    [held] = add_codes(other, 1, prefix="HELDCODE")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    text = csv_text(
        [
            ("GOOD-0001-AAAA", "1", FUTURE),  # row 2
            ("", "2", FUTURE),  # row 3: blank code
            ("GOOD-0002-BBBB", "3", "31/12/2030"),  # row 4: bad date
            ("GOOD-0003-CCCC", "4", yesterday),  # row 5: expired
            ("GOOD-0004-DDDD", "5", TODAY),  # row 6: expires today, not sellable
            ("good0001aaaa", "6", ""),  # row 7: duplicate of row 2 (normalised)
            (held, "7", ""),  # row 8: already in stock (another variant)
            ("GOOD-0005-EEEE", "8", "", "extra"),  # row 9: too many columns
            ("SHORT", "9", ""),  # row 10: too short
        ]
    )

    refused = _refused(variant, text)

    assert refused.code == "invalid_csv"
    assert refused.detail == "Nothing imported: 8 row(s) refused."
    assert refused.errors == [
        "row 3: blank code",
        "row 4: bad date in expires_on (use YYYY-MM-DD)",
        "row 5: expired",
        "row 6: expired",
        "row 7: duplicate of row 2",
        "row 8: already in stock",
        "row 9: more than three columns",
        "row 10: a code has 6 to 200 characters",
    ]
    assert Code.objects.filter(variant=variant).count() == 0
    assert CodeImport.objects.count() == 0
    assert AuditLog.objects.filter(action="store.codes_import").count() == 0
    # No message quotes a cell of the file.
    text_of_errors = " ".join([refused.detail, *refused.errors]).upper()
    for secret in ("GOOD", "HELDCODE", "SHORT", "31/12"):
        assert secret not in text_of_errors


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("", "The file is empty: it needs the header row."),
        ("ABCDEF123,1,\r\n", "The first row must be the header code,pin,expires_on."),
        (
            "code,expires_on,pin\r\nABCDEF123,,\r\n",
            "The first row must be the header code,pin,expires_on.",
        ),
        ("code,pin,expires_on\r\n\r\n", "The file has a header but no codes."),
    ],
)
def test_a_file_without_the_header_or_without_codes_is_refused(text, detail):
    variant = VariantFactory()
    assert _refused(variant, text).detail == detail
    assert Code.objects.count() == 0


def test_a_header_in_capitals_with_spaces_is_accepted_and_blank_lines_are_skipped():
    variant = VariantFactory()
    batch = _import(variant, " Code , PIN ,Expires_On\r\n\r\nQWERTY123,,\r\n\r\n")
    assert batch.imported == 1
    assert Code.objects.get(variant=variant).last4 == "Y123"


def test_not_utf8_and_too_large_and_too_many_rows_are_refused(monkeypatch):
    variant = VariantFactory()
    latin = _refused(variant, "code,pin,expires_on\r\nCAFÉ-1234-ABCD,,\r\n", encoding="latin-1")
    assert latin.detail == "The file is not UTF-8 text; save it as CSV UTF-8."

    monkeypatch.setattr(code_import, "MAX_BYTES", 100)
    big = csv_text([(f"BIGCODE{i:06d}", "", "") for i in range(10)])
    assert len(big.encode()) > 100
    assert _refused(variant, big).detail == "The file is larger than 2 MB; split it."

    monkeypatch.setattr(code_import, "MAX_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(code_import, "MAX_ROWS", 3)
    many = csv_text([(f"MANYCODE{i:04d}", "", "") for i in range(4)])
    assert _refused(variant, many).detail == "At most 3 codes per file; split it."
    assert Code.objects.count() == 0


def test_the_real_limits_are_ten_thousand_rows_and_two_megabytes():
    assert (code_import.MAX_ROWS, code_import.MAX_BYTES) == (10_000, 2 * 1024 * 1024)
    variant = VariantFactory()
    rows = [(f"LIMIT-{i:06d}-CODE", "", "") for i in range(10_001)]
    refused = _refused(variant, csv_text(rows))
    assert refused.detail == "At most 10,000 codes per file; split it."
    assert Code.objects.count() == 0


def test_codes_of_an_issued_product_cannot_be_imported():
    variant = VariantFactory(product=SaveBucksProductFactory())
    with pytest.raises(StoreRefused) as caught:
        _import(variant, csv_text([("ABCDEF1234", "", "")]))
    assert caught.value.code == "not_pooled"
    assert Code.objects.count() == 0


def test_an_import_above_the_threshold_rearms_the_low_stock_alert():
    variant = VariantFactory(low_stock_threshold=2, low_stock_alerted_at=timezone.now())
    _import(variant, csv_text([("REARM-0001", "", ""), ("REARM-0002", "", "")]))
    variant.refresh_from_db()
    assert variant.low_stock_alerted_at is not None  # 2 codes: still at the threshold

    _import(variant, csv_text([("REARM-0003", "", "")]))
    variant.refresh_from_db()
    assert variant.low_stock_alerted_at is None


def test_invisible_characters_are_refused():
    variant = VariantFactory()
    text = "code,pin,expires_on\r\nNULBYTE\x00CODE,,\r\nGOODCODE1,\x07,\r\n"
    refused = _refused(variant, text)
    assert refused.errors == [
        "row 2: invisible characters in the code or PIN",
        "row 3: invisible characters in the code or PIN",
    ]
    assert Code.objects.count() == 0
