from django.urls import path

from formation import calendar_pages, calendar_views

app_name = "calendar"
urlpatterns = [
    path("sessions.ics", calendar_views.PublicFeedView.as_view(), name="sessions"),
    path("session/<int:pk>.ics", calendar_views.SessionFeedView.as_view(), name="session"),
    path("trainer/<slug:token>.ics", calendar_views.TrainerFeedView.as_view(), name="trainer"),
    path("organisation/<slug:token>.ics", calendar_views.OrganisationFeedView.as_view(), name="organisation"),
    path("mon-agenda/", calendar_pages.MyCalendarView.as_view(), name="mine"),
    path("mon-agenda/nouvelle-adresse/", calendar_pages.RegenerateView.as_view(), name="regenerate"),
]
