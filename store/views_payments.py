"""The fake gateway's pay page and the gateways' return pages (to be written)."""

from django.http import Http404


def fake_pay(request, ref):
    raise Http404
