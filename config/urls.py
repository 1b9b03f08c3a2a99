from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from core import views as core_views
from formation.survey_views import SurveyView

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("journal/", core_views.AuditLogView.as_view(), name="audit_log"),
    path("accounts/logout/", core_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("adherents/", include("adherents.urls")),
    path("catalogue/", include("catalogue.urls")),
    path("formation/", include("formation.urls")),
    path("fonds/", include("mutualisation.urls")),
    path("calendar/", include("formation.calendar_urls")),
    path("enquete/<str:token>/", SurveyView.as_view(), name="survey"),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url="/static/favicon.svg", permanent=True)),
]
