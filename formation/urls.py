from django.urls import path

from formation import views

app_name = "formation"
urlpatterns = [
    path("sessions/", views.SessionListView.as_view(), name="sessions"),
    path("sessions/nouvelle/", views.SessionCreateView.as_view(), name="session_create"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session"),
    path("sessions/<int:pk>/inscrire/", views.EnrolView.as_view(), name="enrol"),
    path("sessions/<int:pk>/demi-journees/<int:slot>/", views.SlotUpdateView.as_view(), name="slot_update"),
    path(
        "sessions/<int:pk>/<str:action>/", views.SessionActionView.as_view(), name="session_action",
    ),
    path("inscriptions/", views.EnrolmentListView.as_view(), name="enrolments"),
    path("inscriptions/<int:pk>/annuler/", views.EnrolmentCancelView.as_view(), name="enrolment_cancel"),
]
