"""The project's URLs plus the bare baseline views the benchmarks compare against."""

from django.urls import path

from bench import baselines
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("bench/employees/<int:organisation_id>/", baselines.employee_values, name="bench_employees"),
]
