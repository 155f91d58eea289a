"""Public pages of published verdicts (the URLs ClaimReview documents carry)."""

from django.urls import path

from annotations.publishing import views

urlpatterns = [
    path("verdicts/<int:pk>/", views.PublicVerdictView.as_view(), name="verdict_public"),
]
