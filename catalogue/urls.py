from django.urls import path

from catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.CourseListView.as_view(), name="list"),
    path("gestion/", views.CourseManageView.as_view(), name="manage"),
    path("gestion/nouvelle/", views.CourseCreateView.as_view(), name="create"),
    path("gestion/<int:pk>/modifier/", views.CourseUpdateView.as_view(), name="update"),
    path("gestion/<int:pk>/dupliquer/", views.CourseDuplicateView.as_view(), name="duplicate"),
    path("gestion/<int:pk>/publier/", views.CoursePublishView.as_view(), name="publish"),
    path("gestion/<int:pk>/retirer/", views.CoursePublishView.as_view(publish=False), name="unpublish"),
    # Last: a slug always ends with the course code, so it never collides with the paths above.
    path("<slug:slug>/", views.CourseDetailView.as_view(), name="course"),
]
