"""The gift-card catalog pages (to be written: list with filters, product page)."""

from django.shortcuts import get_object_or_404, render

from .models import Product


def product_list(request):
    return render(request, "store/product_list.html", {"products": Product.objects.live()})


def product_detail(request, slug):
    product = get_object_or_404(Product.objects.live(), slug=slug)
    return render(request, "store/product_detail.html", {"product": product})
