"""The audit log's actions in words: services write a code ("formation.session.cancelled"), people read this."""

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "adherents.employee.archived": _("Employee archived"),
    "adherents.employee.created": _("Employee added"),
    "adherents.employee.imported": _("Employees imported from a file"),
    "adherents.employee.updated": _("Employee changed"),
    "adherents.member_user.created": _("Member HR account created"),
    "catalogue.course.created": _("Course created"),
    "catalogue.course.duplicated": _("Course duplicated"),
    "catalogue.course.published": _("Course published"),
    "catalogue.course.unpublished": _("Course withdrawn from the catalogue"),
    "catalogue.course.updated": _("Course changed"),
    "core.user.created": _("Account created"),
    "formation.assessment.recorded": _("Assessment recorded"),
    "formation.attendance.recorded": _("Attendance recorded"),
    "formation.attendance.trainer_signed": _("Attendance sheet signed by the trainer"),
    "formation.calendar.organisation_token_regenerated": _("Organisation calendar link renewed"),
    "formation.calendar.trainer_token_regenerated": _("Trainer calendar link renewed"),
    "formation.enrolment.abandoned": _("Training abandoned"),
    "formation.enrolment.cancelled": _("Enrolment cancelled"),
    "formation.enrolment.created": _("Employee enrolled"),
    "formation.followup.contacted": _("Follow-up contact recorded"),
    "formation.session.cancelled": _("Session cancelled"),
    "formation.session.completed": _("Session completed"),
    "formation.session.confirmed": _("Session confirmed"),
    "formation.session.created": _("Session created"),
    "formation.session.opened": _("Session opened for enrolment"),
    "formation.session.updated": _("Session changed"),
    "formation.slot.rescheduled": _("Half-day rescheduled"),
    "formation.trainer.sessions_resequenced": _("Trainer renamed: calendars updated"),
    "formation.venue.sessions_resequenced": _("Venue changed: calendars updated"),
    "mutualisation.account.opened": _("Fund account opened"),
    "mutualisation.contribution.paid": _("Contribution payment recorded"),
    "mutualisation.contribution_payment.cancelled": _("Contribution payment cancelled"),
    "mutualisation.contribution_payments.imported": _("Contribution payments imported from a file"),
    "mutualisation.contributions.called": _("Contributions called"),
    "mutualisation.contributions.imported": _("Contributions called from a file"),
    "mutualisation.envelope.funded": _("Envelope funded"),
    "mutualisation.fiscal_year.closed": _("Fiscal year closed"),
    "mutualisation.fiscal_year.opened": _("Fiscal year opened"),
    "mutualisation.grant.recorded": _("Outside funding recorded"),
    "mutualisation.reservation.created": _("Commitment made"),
    "mutualisation.reservation.settled": _("Commitment paid"),
    "mutualisation.reservation.voided": _("Commitment released"),
    "mutualisation.ruleset.created": _("Rule set created"),
    "mutualisation.ruleset.updated": _("Rule set changed"),
    "mutualisation.transaction.reversed": _("Transaction reversed"),
    "admin.core.user.password_changed": _("Password changed in the admin"),
}
# The admin writes "admin.<app>.<model>.<verb>" for every change made there.
ADMIN_VERBS = {"created": _("%(model)s: created in the admin"), "updated": _("%(model)s: changed in the admin"),
               "deleted": _("%(model)s: deleted in the admin")}


def model_name(label_lower: str) -> str:
    """'adherents.employee' → 'Salarié'; an unknown label as it is."""
    try:
        return capfirst(apps.get_model(label_lower)._meta.verbose_name)
    except (LookupError, ValueError):
        return label_lower


def action_label(code: str) -> str:
    if code in ACTIONS:
        return str(ACTIONS[code])
    prefix, _dot, rest = code.partition(".")
    model, _dot, verb = rest.rpartition(".")
    if prefix == "admin" and verb in ADMIN_VERBS:
        return ADMIN_VERBS[verb] % {"model": model_name(model)}
    return code
