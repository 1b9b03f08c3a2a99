import datetime
from decimal import Decimal
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from adherents.models import Organisation
from catalogue.pricing import Price, PriceBasis, Rates, basis_for
from catalogue.search import normalise, search_document, search_words

MAX_OBJECTIVES = 20
MAX_OBJECTIVE_LENGTH = 300
# What a catalogue list needs from each course; the long texts stay in the database.
LISTED_FIELDS = (
    "code", "title", "slug", "audience", "modality", "duration_hours", "duration_days", "member_price",
    "public_price", "intra_price_per_day", "nsf_code", "certification_code", "published", "updated_at",
)


class Theme(models.Model):
    """A family of courses (accompagnement socio-professionnel, numérique…), used to browse the catalogue."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    INSERTION = "insertion", _("employees in insertion pathways")
    PERMANENT = "permanent", _("permanent employees")
    MANAGERS = "managers", _("managers and directors")
    ALL = "all", _("all audiences")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("face to face")
    REMOTE = "remote", _("remote")
    BLENDED = "blended", _("blended")


def validate_objectives(value) -> None:
    """A list of one to twenty evaluable objectives, each a short non-empty sentence."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Give at least one objective."), code="objectives_empty")
    if len(value) > MAX_OBJECTIVES:
        raise ValidationError(_("At most %(max)s objectives.") % {"max": MAX_OBJECTIVES}, code="objectives_too_many")
    for objective in value:
        if not isinstance(objective, str) or not objective.strip():
            raise ValidationError(_("An objective cannot be empty."), code="objective_empty")
        if len(objective) > MAX_OBJECTIVE_LENGTH:
            raise ValidationError(
                _("An objective has at most %(max)s characters.") % {"max": MAX_OBJECTIVE_LENGTH}, code="objective_long"
            )


code_validator = RegexValidator(
    r"^[A-Z0-9]+(-[A-Z0-9]+)*$", _("Use capital letters, digits and hyphens, such as ASP-01."), code="course_code"
)
nsf_validator = RegexValidator(
    r"^[0-9]{3}[a-z]$", _("An NSF code is 3 digits followed by a letter, such as 332t or 315p."), code="nsf_code"
)
certification_validator = RegexValidator(
    r"^(RNCP|RS)[0-9]{3,6}$", _("Enter an RNCP or RS code, such as RNCP34143 or RS5080."), code="certification_code"
)
not_negative = MinValueValidator(Decimal("0"), _("A price cannot be negative."))
positive_duration = MinValueValidator(Decimal("0.1"), _("The duration must be greater than zero."))


class JoinedIds(models.Aggregate):
    """The ids of a group as one comma-separated string: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    output_field = models.CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, function="STRING_AGG", template="%(function)s(%(expressions)s::text, ',')",
            **extra_context,
        )


@cache
def theme_ids() -> Subquery:
    """A course's theme ids, comma-separated; built once, as building it costs more than running it."""
    links = Course.themes.through.objects.filter(course=OuterRef("pk")).values("course")
    return Subquery(links.annotate(ids=JoinedIds("theme")).values("ids"))


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def matching(self, query: str):
        """Every word of the query appears in the code, title or objectives (accents and case ignored)."""
        queryset = self
        for word in search_words(query):
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def for_listing(self, rates: Rates):
        """The columns a catalogue list shows, with `listed_price` the price this visitor pays and
        `theme_ids` its themes' ids, comma-separated (read in the same query: a prefetch costs a query
        and a model instance per theme)."""
        return self.only(*LISTED_FIELDS).annotate(listed_price=F(rates.price_field), theme_ids=theme_ids())


class Course(models.Model):
    """A course of the training offer, with the public information a certified training body must publish."""

    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[code_validator],
        error_messages={"unique": _("Another course already has this code.")},
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=230, unique=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="courses")
    objectives = models.JSONField(
        _("objectives"), default=list, validators=[validate_objectives],
        help_text=_("One evaluable objective per line: what trainees will be able to do."),
    )
    programme = models.TextField(_("programme"))
    prerequisites = models.TextField(_("prerequisites"), help_text=_("Write “None” when there are none."))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    duration_hours = models.DecimalField(
        _("duration in hours"), max_digits=5, decimal_places=1, validators=[positive_duration]
    )
    duration_days = models.DecimalField(
        _("duration in days"), max_digits=4, decimal_places=1, validators=[positive_duration]
    )
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    teaching_methods = models.TextField(_("teaching methods"))
    evaluation_method = models.TextField(_("evaluation method"))
    accessibility = models.TextField(
        _("accessibility for disabled people"),
        help_text=_("How the course is adapted, and whom to contact (the disability referent)."),
    )
    access_delay = models.CharField(
        _("access delay"), max_length=200, help_text=_("For instance: enrolment up to 10 days before the session.")
    )
    contact_name = models.CharField(_("contact"), max_length=120)
    contact_email = models.EmailField(_("contact e-mail"))
    nsf_code = models.CharField(
        _("NSF code"), max_length=4, validators=[nsf_validator],
        help_text=_("The training speciality (nomenclature des spécialités de formation), such as 332t."),
    )
    certification_code = models.CharField(
        _("RNCP/RS code"), max_length=12, blank=True, validators=[certification_validator],
        help_text=_("Only for a course leading to a certification listed in the RNCP or the specific register."),
    )
    member_price = models.DecimalField(
        _("member price per trainee"), max_digits=8, decimal_places=2, validators=[not_negative]
    )
    public_price = models.DecimalField(
        _("public price per trainee"), max_digits=8, decimal_places=2, validators=[not_negative]
    )
    intra_price_per_day = models.DecimalField(
        _("intra price per day"), max_digits=8, decimal_places=2, validators=[not_negative],
        help_text=_("For a session organised for one organisation's employees."),
    )
    published = models.BooleanField(_("published"), default=False)
    search_text = models.TextField(_("search text"), editable=False, default="")
    # The title without accents or capitals: sorted as such, « Éducation » comes before « Zéro déchet ».
    sort_title = models.TextField(_("sort title"), editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["sort_title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_price__gte=0) & Q(public_price__gte=0) & Q(intra_price_per_day__gte=0),
                name="course_prices_not_negative", violation_error_message=_("A price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(member_price__lte=F("public_price")), name="course_member_price_not_above_public",
                violation_error_message=_("The member price cannot be higher than the public price."),
            ),
            models.CheckConstraint(
                condition=Q(duration_hours__gt=0) & Q(duration_days__gt=0), name="course_duration_positive",
                violation_error_message=_("The duration must be greater than zero."),
            ),
            models.CheckConstraint(condition=Q(nsf_code__regex=r"^[0-9]{3}[a-z]$"), name="course_nsf_code_format"),
            models.CheckConstraint(
                condition=Q(certification_code="") | Q(certification_code__regex=r"^(RNCP|RS)[0-9]{3,6}$"),
                name="course_certification_code_format",
            ),
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="course_audience_known"),
            models.CheckConstraint(condition=Q(modality__in=Modality.values), name="course_modality_known"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:course", args=[self.slug])

    def clean(self):
        super().clean()
        if self.member_price is not None and self.public_price is not None and self.member_price > self.public_price:
            raise ValidationError(
                {"member_price": _("The member price cannot be higher than the public price.")}, code="member_price_high"
            )

    @staticmethod
    def address_for(*, title: str, code: str) -> str:
        """The slug of a course's page: its title then its code. Both may hold hyphens, so two courses may ask for
        the same one ("Formation" SST-01, "Formation SST" 01): the course forms refuse the second."""
        return "-".join(part for part in (slugify(title)[:200], code.lower()) if part)

    def derive_fields(self) -> None:
        """Set the slug, search text and sort title from the code, title and objectives."""
        self.slug = self.address_for(title=self.title, code=self.code)
        self.sort_title = normalise(self.title)
        self.search_text = search_document(code=self.code, title=self.title, objectives=self.objectives)

    def price_on(self, basis: PriceBasis) -> Price:
        return Price(self.member_price if basis == PriceBasis.MEMBER else self.public_price, PriceBasis(basis))

    def price_for(self, organisation: Organisation | None, *, on: datetime.date) -> Price:
        """The price per trainee this organisation pays for an enrolment made on `on` (see catalogue.pricing)."""
        return self.price_on(basis_for(organisation, on=on))

    def intra_session_price(self) -> Decimal:
        """What one organisation pays for a whole session of its own: the price per day times the days."""
        return (self.intra_price_per_day * self.duration_days).quantize(Decimal("0.01"))

    @property
    def member_saving(self) -> Decimal:
        return self.public_price - self.member_price

