from django.urls import path

from formation import attendance_views, document_views, views

app_name = "formation"
urlpatterns = [
    path("sessions/", views.SessionListView.as_view(), name="sessions"),
    path("sessions/nouvelle/", views.SessionCreateView.as_view(), name="session_create"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session"),
    path("sessions/<int:pk>/inscrire/", views.EnrolView.as_view(), name="enrol"),
    path("sessions/<int:pk>/modifier/", views.SessionUpdateView.as_view(), name="session_update"),
    path("sessions/<int:pk>/demi-journees/<int:slot>/", views.SlotUpdateView.as_view(), name="slot_update"),
    path("sessions/<int:pk>/emargement/<int:slot>/", attendance_views.AttendanceView.as_view(), name="attendance"),
    path("sessions/<int:pk>/evaluations/", attendance_views.AssessmentView.as_view(), name="assessments"),
    path("sessions/<int:pk>/suivi/", attendance_views.FollowUpView.as_view(), name="follow_up"),
    path("sessions/<int:pk>/feuille-emargement.pdf", document_views.AttendanceSheetView.as_view(), name="attendance_sheet"),
    path("sessions/<int:pk>/<str:action>/", views.SessionActionView.as_view(), name="session_action"),
    path("inscriptions/<int:pk>/<str:kind>.pdf", document_views.EnrolmentDocumentView.as_view(), name="enrolment_document"),
    path("inscriptions/", views.EnrolmentListView.as_view(), name="enrolments"),
    path("inscriptions/<int:pk>/annuler/", views.EnrolmentCancelView.as_view(), name="enrolment_cancel"),
]
