"""Authentication backend that loads a member HR user's organisation with the user.

Every member page needs the user's organisation (to scope the data, price the catalogue, draw the
navigation) and whether its membership is active this year (member or public rates): reading both
in the same query as the user, once per request, saves two queries a page.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models.expressions import RawSQL
from django.utils import timezone

# A plain subquery on the member link joined by select_related: the ORM's own Subquery() costs three
# times as much to compile, on every request.
# (A test checks it against the tables' names.)
THIS_YEAR_STATUS = (
    "SELECT status FROM adherents_membership WHERE organisation_id = adherents_memberuser.organisation_id AND year = %s"
)


class MemberAwareBackend(ModelBackend):
    def get_user(self, user_id):
        year = timezone.localdate().year
        users = get_user_model()._default_manager.select_related("member__organisation")
        try:
            status = RawSQL(THIS_YEAR_STATUS, (year,))  # noqa: S611 -- constant SQL, the year is bound
            user = users.annotate(membership_status=status).get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        member = getattr(user, "member", None)
        if member is not None:
            member.organisation.remember_membership_status(year, user.membership_status)
        return user
