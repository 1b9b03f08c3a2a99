"""The project's URLs plus the bare baseline views the benchmarks compare against."""

from django.urls import path

from bench import baselines, bench_calendar
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("bench/employees/<int:organisation_id>/", baselines.employee_values, name="bench_employees"),
    path("bench/employees/<int:organisation_id>/member/", baselines.employee_values_for_member,
         name="bench_employees_member"),
    path("bench/employees/<int:organisation_id>/layout/", baselines.empty_layout_page, name="bench_empty_layout"),
    path("bench/courses/", baselines.course_values, name="bench_courses"),
    path("bench/courses/member/", baselines.course_values_for_member, name="bench_courses_member"),
    path("bench/insert/", baselines.insert_one, name="bench_insert"),
    path("bench/sessions/", baselines.session_values, name="bench_sessions"),
    path("bench/calendar/", baselines.calendar_values, name="bench_calendar_all"),
    path("bench/calendar/<int:course_id>/", baselines.calendar_values, name="bench_calendar"),
    path("bench/calendar/<int:course_id>/feed.ics", bench_calendar.CourseFeedView.as_view(), name="bench_calendar_feed"),
]
