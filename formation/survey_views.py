"""The satisfaction questionnaire, reached through a single-use link with no login."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from formation.attendance_forms import SurveyForm
from formation.exceptions import FormationError
from formation.models import SurveyInvitation
from formation.services import surveys


class SurveyView(View):
    template_name = "formation/survey.html"

    def invitation(self, token: str) -> SurveyInvitation:
        invitation = SurveyInvitation.objects.select_related("enrolment__session__course").filter(token=token).first()
        if invitation is None:
            raise Http404
        return invitation

    def get(self, request, token):
        invitation = self.invitation(token)
        return render(request, self.template_name, {"invitation": invitation, "form": SurveyForm(),
                                                    "closed": self.closed_reason(invitation)})

    def post(self, request, token):
        invitation = self.invitation(token)
        form = SurveyForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"invitation": invitation, "form": form}, status=400)
        try:
            surveys.answer_survey(token=token, answers=form.cleaned_data)
        except FormationError as error:
            return render(request, self.template_name, {"invitation": invitation, "closed": error.message}, status=410)
        return render(request, "formation/survey_thanks.html", {"invitation": invitation})

    @staticmethod
    def closed_reason(invitation: SurveyInvitation) -> str | None:
        if invitation.answered_at:
            return _("This questionnaire was already answered. Thank you!")
        if invitation.expires_at < timezone.now():
            return _("This questionnaire link has expired.")
        return None
