"""Missing-cashback claim pages."""

from django.urls import path

from . import views_claims

urlpatterns = [
    path("support/claims/", views_claims.claim_list, name="claims"),
    path("support/claims/new/", views_claims.claim_new, name="claim-new"),
    path("support/claims/<int:pk>/", views_claims.claim_detail, name="claim"),
    path("support/claims/<int:pk>/proof/", views_claims.claim_proof, name="claim-proof"),
]
