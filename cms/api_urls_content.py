"""API URLs: content (to be built)."""

urlpatterns: list = []
