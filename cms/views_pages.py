from django.shortcuts import get_object_or_404, render

from .models import Page


def page(request, slug):
    obj = get_object_or_404(Page, slug=slug, status=Page.Status.PUBLISHED)
    return render(request, "cms/page.html", {"page": obj})
