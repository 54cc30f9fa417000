"""Checkout, my orders, an order with its codes, the fake pay page (to be written)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Order


@login_required
def order_list(request):
    orders = Order.objects.filter(user=request.user)
    return render(request, "store/order_list.html", {"orders": orders})


@login_required
def order_detail(request, number):
    order = get_object_or_404(Order, user=request.user, number=number)
    return render(request, "store/order_detail.html", {"order": order})
