"""The shopper's order pages: my orders, one order (history, items, masked codes, pay
link, cancel), and the reveal, which answers the codes in the POST's own page (never in a
URL, never cached)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from config.errors import Refusal

from .models import OrderItem
from .selectors import order_history, order_of, orders_of
from .services.reveal import ItemNotFound, item_reveal

PAGE_SIZE = 20


@login_required
def order_list(request):
    page = Paginator(orders_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "store/order_list.html", {"page": page, "orders": page.object_list})


def _mine(request, number):
    order = order_of(request.user, number)
    if order is None:  # another shopper's order is not found, never forbidden
        raise Http404("No such order.")
    return order


def _detail(request, order, *, revealed=None, revealed_item=None, status=200):
    response = render(
        request,
        "store/order_detail.html",
        {
            "order": order,
            "history": order_history(order),
            "revealed": revealed,
            "revealed_item": revealed_item,
        },
        status=status,
    )
    return response


@login_required
def order_detail(request, number):
    return _detail(request, _mine(request, number))


@never_cache
@login_required
@require_POST
def order_item_reveal(request, number, pk):
    item = OrderItem.objects.select_related("order").filter(pk=pk, order__number=number).first()
    try:
        revealed = item_reveal(user=request.user, item=item, request=request)
    except ItemNotFound as exc:
        raise Http404(exc.detail) from exc
    except Refusal as exc:  # too many reveals
        messages.error(request, exc.detail)
        return _detail(request, _mine(request, number), status=exc.http_status)
    # Reread: the codes now count as revealed on the page too.
    response = _detail(request, _mine(request, number), revealed=revealed, revealed_item=item.pk)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def order_cancel_page(request, number):
    order = _mine(request, number)
    # Written beside this module by the refunds work; imported when first used.
    from .services.refunds import order_cancel

    try:
        order_cancel(order=order, user=request.user)
    except Refusal as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Order {order.number} cancelled.")
    return redirect(order.get_absolute_url())
