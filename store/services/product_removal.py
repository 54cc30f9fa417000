"""Taking a product off sale. Products are never deleted: past orders keep pointing at
them (OrderItem.product is PROTECT) and their snapshot names what was bought."""

from django.db import transaction
from django.utils import timezone

from accounts.services import audit_log

from ..models import Product


def product_remove_from_sale(*, product: Product, actor, request=None) -> bool:
    """Soft delete: off the shop and the API at once; False if it was already removed."""
    with transaction.atomic():
        moved = Product.objects.filter(pk=product.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), is_active=False
        )
        if moved:
            audit_log(
                actor=actor,
                action="store.product_remove_from_sale",
                entity=product,
                metadata={"slug": product.slug},
                request=request,
            )
    return bool(moved)
