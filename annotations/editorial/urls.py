from django.urls import path

from annotations.editorial import record_views, views

urlpatterns = [
    path("approvals/", views.ApprovalsView.as_view(), name="approvals"),
    path("approvals/<int:pk>/", views.ApprovalDetailView.as_view(), name="approval_detail"),
    path(
        "statements/<int:pk>/record/", views.StatementRecordView.as_view(), name="statement_record"
    ),
    path("entities/<int:pk>/", record_views.EntityRecordView.as_view(), name="entity_record"),
    path("claimants/", record_views.ClaimantRecordView.as_view(), name="claimant_record"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("learned-names/", views.LearnedNamesView.as_view(), name="learned_names"),
    path("learned-names/<int:pk>/", views.LearnedNameEditView.as_view(), name="learned_name"),
]
