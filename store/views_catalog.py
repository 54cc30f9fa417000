"""The gift-card catalog pages: the list with its filters, and a product page with the
buy form, which places the order through order_place like the API."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from config.errors import Refusal, form_refused
from offers.models import Category, Merchant
from wallet.selectors import wallet_summary

from .forms import BuyForm, CatalogFilterForm
from .models import Order, Product
from .selectors import (
    CatalogFilters,
    catalog_decorate,
    order_checkout_url,
    product_live,
    products_live,
)
from .services.attempts import order_attempt
from .services.order_place import ItemRequest, order_place

PAGE_SIZE = 24


def _filter_choices():
    """Brands and categories that have something on sale (two queries)."""
    live = Product.objects.live()
    brands = Merchant.objects.filter(gift_card_products__in=live).distinct().order_by("name")
    categories = Category.objects.filter(pk__in=live.values("category_id")).order_by("name")
    return (
        [(m.slug, m.name) for m in brands.only("slug", "name")],
        [(c.slug, c.name) for c in categories.only("slug", "name")],
    )


def product_list(request):
    brands, categories = _filter_choices()
    form = CatalogFilterForm(request.GET or None, brands=brands, categories=categories)
    data = form.cleaned_data if form.is_valid() else {}
    filters = CatalogFilters(
        brand=data.get("brand") or "",
        category=data.get("category") or "",
        kind=data.get("kind") or "",
        min_price=data.get("min_price"),
        max_price=data.get("max_price"),
        in_stock=True if data.get("in_stock") else None,
    )
    page = Paginator(products_live(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = catalog_decorate(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "store/product_list.html",
        {"form": form, "page": page, "products": page.object_list, "query": query.urlencode()},
    )


def product_detail(request, slug):
    product = product_live(slug)
    if product is None:
        raise Http404("No such gift card on sale.")
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = BuyForm(request.POST or None, product=product)
    if request.method == "POST" and form.is_valid():
        order = _place(request, form)
        if order is not None:
            if order.status == Order.Status.PENDING:
                checkout = order_checkout_url(order)
                if checkout:
                    return redirect(checkout)
            messages.success(request, f"Order {order.number} placed.")
            return redirect(order.get_absolute_url())
    balance = wallet_summary(user=request.user) if request.user.is_authenticated else None
    variants = product.on_sale
    return render(
        request,
        "store/product_detail.html",
        {
            "product": product,
            "variants": variants,
            "form": form,
            "balance": balance,
        },
    )


def _place(request, form) -> Order | None:
    data = form.cleaned_data
    try:
        order_attempt(user=request.user)
        order, _ = order_place(
            user=request.user,
            items=[
                ItemRequest(
                    variant=data["variant"],
                    quantity=data["quantity"],
                    amount=data.get("amount"),
                    recipient_email=data.get("recipient_email") or "",
                    message=data.get("message") or "",
                )
            ],
            payment=data["payment"],
            gateway=data.get("gateway") or "",
            idempotency_key=data["idempotency_key"],
        )
    except Refusal as exc:
        form_refused(form, exc)
        return None
    order.refresh_from_db()
    return order
