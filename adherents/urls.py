from django.urls import path

from adherents import views

app_name = "adherents"
urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisations"),
    path("organisations/<int:organisation_id>/", views.OrganisationDetailView.as_view(), name="organisation"),
    path("organisations/<int:organisation_id>/salaries/", views.EmployeeListView.as_view(), name="employees"),
    path(
        "organisations/<int:organisation_id>/salaries/nouveau/",
        views.EmployeeCreateView.as_view(), name="employee_create",
    ),
    path(
        "organisations/<int:organisation_id>/salaries/<int:pk>/modifier/",
        views.EmployeeUpdateView.as_view(), name="employee_update",
    ),
    path(
        "organisations/<int:organisation_id>/salaries/<int:pk>/archiver/",
        views.EmployeeArchiveView.as_view(), name="employee_archive",
    ),
    path(
        "organisations/<int:organisation_id>/salaries/import/",
        views.EmployeeImportView.as_view(), name="employee_import",
    ),
    path(
        "organisations/<int:organisation_id>/salaries/import/modele.csv",
        views.EmployeeImportTemplateView.as_view(), name="employee_import_template",
    ),
]
