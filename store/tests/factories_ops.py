"""Test data for the store's admin, import and stock tests: staff of each role, CSV
files, and orders that went through the real services."""

import io
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import StaffFactory, SuperuserFactory
from store.models import GiftCard, Order
from store.services.order_place import ItemRequest, order_place

from .factories import SaveBucksProductFactory, VariantFactory

ROLES = ("Finance", "Content editor", "Support agent")


def staff(role: str):
    """A staff member in `role`, or a superuser for "superuser"."""
    if role == "superuser":
        return SuperuserFactory()
    member = StaffFactory()
    member.groups.add(Group.objects.get(name=role))
    return member


def login(client, role: str):
    member = staff(role)
    client.force_login(member)
    return member


def csv_upload(text: str, *, name: str = "codes.csv", bom: bool = False, encoding="utf-8"):
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def csv_text(rows, header: str = "code,pin,expires_on") -> str:
    out = io.StringIO()
    out.write(header + "\r\n")
    for row in rows:
        out.write(",".join(row) + "\r\n")
    return out.getvalue()


def wallet_order(shopper, variant, *, key: str, quantity: int = 1, **item) -> Order:
    """A wallet order placed by the real services; fulfilled when the caller's
    django_capture_on_commit_callbacks(execute=True) block ends (refresh it after)."""
    order, _ = order_place(
        user=shopper,
        items=[ItemRequest(variant=variant.pk, quantity=quantity, **item)],
        payment="wallet",
        idempotency_key=key,
    )
    return order


def savebucks_variant(amount="25.00"):
    return VariantFactory(product=SaveBucksProductFactory(), denomination=Decimal(amount))


def bought_gift_card(shopper, capture, *, recipient_email="", key="gift") -> GiftCard:
    variant = savebucks_variant()
    with capture(execute=True):
        order = wallet_order(
            shopper, variant, key=key, recipient_email=recipient_email, message="Enjoy"
        )
    return GiftCard.objects.get(order_item__order=order)
