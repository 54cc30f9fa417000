from django.shortcuts import render

from .models import Category


def home(request):
    categories = Category.objects.filter(is_active=True, is_featured=True)[:12]
    return render(request, "home.html", {"categories": categories})
