from django.contrib import messages
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from catalogue import services
from catalogue.access import EDITOR_ROLES, may_edit_catalogue
from catalogue.display import duration_in_words
from catalogue.filters import CourseFilter, StaffCourseFilter
from catalogue.forms import CourseDuplicateForm, CourseForm
from catalogue.models import Course
from catalogue.pricing import Rates, rates_for
from catalogue.sessions import sessions_of, with_next_session
from catalogue.tables import CourseExportTable, CourseTable, StaffCourseExportTable, StaffCourseTable
from core.views import FilteredTableView, RoleRequiredMixin
from formation.quality import course_results


class RatesMixin:
    """The rates this visitor sees (member, public, both), decided once per request."""

    @cached_property
    def rates(self) -> Rates:
        return rates_for(self.request.user, on=timezone.localdate())

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"rates": self.rates}


class CourseListMixin(RatesMixin):
    """A filtered course list with its exports; the exports use their own table (see catalogue.tables)."""

    model = Course

    def exporting(self) -> bool:
        return self.export_class.is_valid_format(self.request.GET.get(self.export_trigger_param))

    def get_table_class(self):
        return self.export_table_class if self.exporting() else self.table_class

    def get_table_kwargs(self):
        page_only = {} if self.exporting() else {"rates": self.rates}
        return {"theme_names": self.filterset.theme_names} | page_only


class CourseListView(CourseListMixin, FilteredTableView):
    """The public catalogue: no login needed."""

    table_class = CourseTable
    export_table_class = CourseExportTable
    filterset_class = CourseFilter
    template_name = "catalogue/course_list.html"

    def get_queryset(self):
        return with_next_session(Course.objects.published().for_listing(self.rates))

    def get_export_filename(self, export_format):
        return f"catalogue-coorace-formation-{timezone.localdate():%Y%m%d}.{export_format}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"may_edit": may_edit_catalogue(self.request.user)}


class CourseDetailView(RatesMixin, DetailView):
    """A course's public information; training staff also open unpublished courses."""

    template_name = "catalogue/course_detail.html"
    context_object_name = "course"

    def get_queryset(self):
        courses = Course.objects.prefetch_related("themes")
        return courses if may_edit_catalogue(self.request.user) else courses.published()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = self.course_once_at(kwargs["slug"])
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(moved.get_absolute_url())

    def course_once_at(self, slug: str) -> Course | None:
        """The course an old address named: a course's address is its title then its code, so after a change of
        title a link or bookmark still ends with the code. Only when exactly one visible course has a code the
        address ends with (codes may hold hyphens: "sst-01" is tried as SST-01 and as 01)."""
        parts = slug.split("-")
        codes = {"-".join(parts[start:]).upper() for start in range(1, len(parts))}
        found = list(self.get_queryset().filter(code__in=codes)[:2])
        return found[0] if len(found) == 1 else None

    def get_context_data(self, **kwargs):
        course = self.object
        return super().get_context_data(**kwargs) | {
            "duration": duration_in_words(course.duration_hours, course.duration_days),
            "sessions": sessions_of(course),
            "results": course_results(course),
            "may_edit": may_edit_catalogue(self.request.user),
        }


class EditorMixin(RoleRequiredMixin):
    allowed_roles = EDITOR_ROLES


class CourseManageView(EditorMixin, CourseListMixin, FilteredTableView):
    """Every course, published or not, for training staff."""

    table_class = StaffCourseTable
    export_table_class = StaffCourseExportTable
    filterset_class = StaffCourseFilter
    template_name = "catalogue/course_manage.html"

    def get_queryset(self):
        return with_next_session(Course.objects.for_listing(self.rates))

    def get_export_filename(self, export_format):
        return f"formations-{timezone.localdate():%Y%m%d}.{export_format}"


class CourseObjectMixin(EditorMixin):
    @cached_property
    def course(self) -> Course:
        return get_object_or_404(Course, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"course": self.course}


class CourseCreateView(EditorMixin, FormView):
    form_class = CourseForm
    template_name = "catalogue/course_form.html"

    def form_valid(self, form):
        course = services.create_course(data=form.cleaned_data, by=self.request.user)
        messages.success(self.request, _("The course %(code)s was created. It is not published yet.") % {"code": course.code})
        return redirect(course)


class CourseUpdateView(CourseObjectMixin, FormView):
    form_class = CourseForm
    template_name = "catalogue/course_form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.course}

    def form_valid(self, form):
        course = services.update_course(course_id=self.course.pk, data=form.cleaned_data, by=self.request.user)
        messages.success(self.request, _("The changes to %(code)s were saved.") % {"code": course.code})
        return redirect(course)


class CourseDuplicateView(CourseObjectMixin, FormView):
    form_class = CourseDuplicateForm
    template_name = "catalogue/course_duplicate.html"

    def get_initial(self):
        return {"title": _("%(title)s (copy)") % {"title": self.course.title}}

    def form_valid(self, form):
        copy = services.duplicate_course(
            course_id=self.course.pk, code=form.cleaned_data["code"], title=form.cleaned_data["title"], by=self.request.user
        )
        messages.success(self.request, _("The copy %(code)s was created, unpublished: adapt it, then publish it.")
                         % {"code": copy.code})
        return redirect("catalogue:update", copy.pk)


class CoursePublishView(CourseObjectMixin, View):
    """POST only: publish (or, with `unpublish`, withdraw) a course."""

    http_method_names = ["post"]
    publish = True

    def post(self, request, pk):
        if self.publish:
            services.publish_course(course_id=self.course.pk, by=request.user)
            messages.success(request, _("%(code)s is now in the public catalogue.") % {"code": self.course.code})
        else:
            services.unpublish_course(course_id=self.course.pk, by=request.user)
            messages.success(request, _("%(code)s was withdrawn from the public catalogue.") % {"code": self.course.code})
        return redirect(self.course)
