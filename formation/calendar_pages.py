"""“My calendar”: the personal subscription address (trainer or member HR), the public one, and how to subscribe."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from adherents.access import member_of
from formation.calendar_tokens import organisation_calendar_for, regenerate_organisation_token, regenerate_trainer_token


def _organisation(user):
    member = member_of(user)
    return member.organisation if member is not None else None


def subscription(request, path: str, name: str) -> dict:
    """An address to subscribe to, and the links that open it in calendar applications."""
    url = request.build_absolute_uri(path)
    webcal = "webcal://" + url.split("://", 1)[1]
    return {
        "name": name, "url": url, "webcal": webcal,
        "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=""),
        "outlook": f"https://outlook.office.com/calendar/0/addfromweb?url={quote(url, safe='')}&name={quote(name, safe='')}",
    }


class MyCalendarView(LoginRequiredMixin, TemplateView):
    template_name = "formation/calendar/mine.html"

    def get_context_data(self, **kwargs):
        user, personal = self.request.user, None
        trainer, organisation = getattr(user, "trainer", None), _organisation(user)
        if trainer is not None:
            personal = subscription(self.request, reverse("calendar:trainer", args=[trainer.calendar_token]),
                                    _("My COORACE Formation sessions"))
        elif organisation is not None:
            token = organisation_calendar_for(organisation).token
            personal = subscription(self.request, reverse("calendar:organisation", args=[token]),
                                    _("COORACE Formation – %(name)s") % {"name": organisation.legal_name})
        public = subscription(self.request, reverse("calendar:sessions"), _("COORACE Formation sessions"))
        return super().get_context_data(**kwargs) | {
            "personal": personal, "public": public, "is_trainer": trainer is not None,
        }


class RegenerateView(LoginRequiredMixin, View):
    """A new personal address; the old one stops working at once."""

    http_method_names = ["post"]

    def post(self, request):
        trainer, organisation = getattr(request.user, "trainer", None), _organisation(request.user)
        if trainer is not None:
            regenerate_trainer_token(trainer_id=trainer.pk, by=request.user)
        elif organisation is not None:
            regenerate_organisation_token(organisation_id=organisation.pk, by=request.user)
        else:
            messages.error(request, _("You have no personal calendar."))
            return redirect("calendar:mine")
        messages.success(request, _("Your calendar has a new address. The old one no longer works: "
                                    "subscribe again with the address below."))
        return redirect("calendar:mine")
