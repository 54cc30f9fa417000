"""What a path no view answers looks like: JSON under /api/ (a client generated from our
schema reads every error as {"code", "detail"}), the site's own page elsewhere."""

from django.http import JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"code": "not_found", "detail": "No such API path."}, status=404)
    return defaults.page_not_found(request, exception)
