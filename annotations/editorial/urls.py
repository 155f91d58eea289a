from django.urls import path

from annotations.editorial import views

urlpatterns = [
    path("approvals/", views.ApprovalsView.as_view(), name="approvals"),
    path("approvals/<int:pk>/", views.ApprovalDetailView.as_view(), name="approval_detail"),
    path(
        "statements/<int:pk>/record/", views.StatementRecordView.as_view(), name="statement_record"
    ),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("learned-names/", views.LearnedNamesView.as_view(), name="learned_names"),
    path("learned-names/<int:pk>/", views.LearnedNameEditView.as_view(), name="learned_name"),
]
