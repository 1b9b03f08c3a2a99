"""The iCalendar feeds over HTTP.

Each answer carries an ETag and, except on the personal feeds, a Last-Modified computed from a few aggregates
(formation.calendar.version): a client whose copy is current gets 304 without the feed being built. A wrong token
answers the same 404 as any unknown address.
"""

from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views import View

from formation import calendar
from formation.access import readable_sessions
from formation.calendar import Feed
from formation.models import OrganisationCalendar, Session, Trainer

CONTENT_TYPE = "text/calendar; charset=utf-8"


class FeedView(View):
    """Answers a GET with the feed of get_feed(), or 304 when the client's copy is current."""

    http_method_names = ["get", "head", "options"]
    # Anyone may see a public feed, so shared caches may keep it; a personal one is revalidated every time,
    # so that a regenerated token stops it at once.
    cache_control = "private, no-cache"
    download = False

    def get_feed(self) -> Feed:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        feed = self.get_feed()
        base_url = request.build_absolute_uri("/")
        etag, changed = calendar.version(feed, base_url=base_url)
        last_modified = int(changed.timestamp()) if changed else None
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            response = HttpResponse(calendar.render(feed, base_url=base_url), content_type=CONTENT_TYPE)
            disposition = "attachment" if self.download else "inline"
            response["Content-Disposition"] = f'{disposition}; filename="{feed.key}.ics"'
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = self.cache_control
        return response


class PublicFeedView(FeedView):
    cache_control = "public, max-age=600"

    def get_feed(self) -> Feed:
        return Feed(key="sessions", name=_("COORACE Formation sessions"), sessions=calendar.public_sessions())


class SessionFeedView(FeedView):
    """One session, to add to one's calendar: a download rather than a subscription. Whoever may see the session
    may download it (published inter sessions for everyone); anyone else gets 404."""

    download = True

    def get_feed(self) -> Feed:
        session = readable_sessions(self.request.user).filter(pk=self.kwargs["pk"]).values("pk", "course__title").first()
        if session is None:
            raise Http404
        return Feed(key=f"session-{session['pk']}", name=session["course__title"],
                    sessions=Session.objects.filter(pk=session["pk"]), subscribed=False)


class TrainerFeedView(FeedView):
    def get_feed(self) -> Feed:
        trainer = Trainer.objects.filter(calendar_token=self.kwargs["token"]).values("pk", "first_name", "last_name").first()
        if trainer is None:
            raise Http404
        name = _("COORACE Formation – %(name)s") % {"name": f"{trainer['first_name']} {trainer['last_name']}"}
        return Feed(key=f"trainer-{trainer['pk']}", name=name, sessions=calendar.trainer_sessions(trainer["pk"]),
                    private=True, dated=False)


class OrganisationFeedView(FeedView):
    def get_feed(self) -> Feed:
        found = OrganisationCalendar.objects.filter(token=self.kwargs["token"]).values(
            "organisation_id", "organisation__legal_name"
        ).first()
        if found is None:
            raise Http404
        organisation_id = found["organisation_id"]
        name = _("COORACE Formation – %(name)s") % {"name": found["organisation__legal_name"]}
        return Feed(key=f"organisation-{organisation_id}", name=name, private=True, organisation_id=organisation_id,
                    sessions=calendar.organisation_sessions(organisation_id), dated=False)
