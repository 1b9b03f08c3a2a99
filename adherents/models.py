import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from adherents.identifiers import validate_siret


class Delegation(models.Model):
    """One of COORACE's 17 regional delegations."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("regional delegation")
        verbose_name_plural = _("regional delegations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    AI = "AI", _("Intermediate association (AI)")
    ACI = "ACI", _("Insertion workshop (ACI)")
    EI = "EI", _("Insertion enterprise (EI)")
    EITI = "EITI", _("Independent-worker insertion enterprise (EITI)")
    ETTI = "ETTI", _("Temporary-work insertion enterprise (ETTI)")
    ETT_ESS = "ETT_ESS", _("Social economy temporary-work enterprise (ETT ESS)")
    OSP = "OSP", _("Personal services organisation (OSP / Proxim'Services)")
    OTHER = "OTHER", _("Other structure")


class HeadcountBand(models.TextChoices):
    UNDER_50 = "lt50", _("under 50 employees")
    FROM_50_TO_249 = "50_249", _("50 to 249 employees")
    FROM_250 = "250p", _("250 employees and more")


class Opco(models.TextChoices):
    UNIFORMATION = "uniformation", _("Uniformation (OPCO Cohésion sociale)")
    AKTO = "akto", _("AKTO")
    OPCO_EP = "opco_ep", _("OPCO EP")
    CONSTRUCTYS = "constructys", _("Constructys")
    OCAPIAT = "ocapiat", _("OCAPIAT")
    OPCO_2I = "opco_2i", _("OPCO 2i")
    MOBILITES = "mobilites", _("OPCO Mobilités")
    SANTE = "sante", _("OPCO Santé")
    AFDAS = "afdas", _("AFDAS")
    ATLAS = "atlas", _("ATLAS")
    OPCOMMERCE = "opcommerce", _("L'Opcommerce")


class OrganisationQuerySet(models.QuerySet):
    def in_good_standing(self, on: datetime.date):
        active = Membership.objects.filter(
            organisation=OuterRef("pk"), year=on.year, status=Membership.Status.ACTIVE
        )
        return self.filter(Exists(active))


class Organisation(models.Model):
    """A member organisation (adhérent) of the federation."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[validate_siret])
    kind = models.CharField(_("kind"), max_length=10, choices=OrganisationKind.choices)
    delegation = models.ForeignKey(
        Delegation, verbose_name=_("regional delegation"), on_delete=models.PROTECT, related_name="organisations"
    )
    economic_group = models.CharField(_("economic group (GES)"), max_length=200, blank=True)
    opco = models.CharField(_("OPCO"), max_length=20, choices=Opco.choices)
    idcc = models.CharField(
        _("IDCC"), max_length=4, blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("An IDCC has 4 digits."))],
        help_text=_("The collective agreement's 4-digit code."),
    )
    headcount_band = models.CharField(_("headcount"), max_length=10, choices=HeadcountBand.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    contact_email = models.EmailField(_("HR contact e-mail"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(condition=Q(siret__regex=r"^[0-9]{14}$"), name="organisation_siret_14_digits"),
            models.CheckConstraint(condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_known"),
            models.CheckConstraint(
                condition=Q(headcount_band__in=HeadcountBand.values), name="organisation_headcount_band_known"
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    def get_absolute_url(self) -> str:
        return reverse("adherents:organisation", args=[self.pk])

    @property
    def siren(self) -> str:
        return self.siret[:9]

    def membership_for(self, year: int) -> "Membership | None":
        return self.memberships.filter(year=year).first()

    def remember_membership_status(self, year: int, status: str | None) -> None:
        """This year's membership status, read with the logged-in member user (see adherents.auth)."""
        self._membership_status = (year, status)

    def membership_status_in(self, year: int) -> str | None:
        known = getattr(self, "_membership_status", None)
        if known is not None and known[0] == year:
            return known[1]
        membership = self.membership_for(year)
        return membership.status if membership else None

    def is_in_good_standing(self, on: datetime.date) -> bool:
        """Member rates apply on a date when the membership for that year is active."""
        return self.membership_status_in(on.year) == Membership.Status.ACTIVE


class Membership(models.Model):
    """An organisation's membership of the federation for one calendar year."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        LAPSED = "lapsed", _("lapsed")
        SUSPENDED = "suspended", _("suspended")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    fee_paid = models.BooleanField(_("membership fee paid"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_membership_per_organisation_and_year"),
            models.CheckConstraint(condition=Q(status__in=["active", "lapsed", "suspended"]), name="membership_status_known"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="membership_year_plausible"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class Population(models.TextChoices):
    INSERTION = "insertion", _("insertion pathway")
    PERMANENT = "permanent", _("permanent staff")


class ContractType(models.TextChoices):
    CDDI = "CDDI", _("CDDI (insertion fixed-term contract)")
    CDDU = "CDDU", _("CDDU (AI usage contract)")
    CTTI = "CTTI", _("Insertion temporary work (CTTI)")
    CDI = "CDI", _("CDI (permanent contract)")
    CDD = "CDD", _("CDD (fixed-term contract)")
    APPRENTICESHIP = "APPRENTI", _("Apprenticeship")
    OTHER = "AUTRE", _("Other")


# Which contracts each population may hold: insertion contracts are for insertion pathways only.
INSERTION_CONTRACTS = frozenset({ContractType.CDDI, ContractType.CDDU, ContractType.CTTI})
PERMANENT_CONTRACTS = frozenset({ContractType.CDI, ContractType.CDD, ContractType.APPRENTICESHIP})


class EmployeeQuerySet(models.QuerySet):
    def active(self, **conditions):
        """The employees not archived, and matching `conditions` (in the same filter(): a page's list is built
        on every visit, and each filter() costs a copy of the query)."""
        return self.filter(archived_at__isnull=True, **conditions)


mobile_validator = RegexValidator(
    r"^\+?[0-9]{9,15}$", _("Enter a phone number such as 06 12 34 56 78 or +33 6 12 34 56 78.")
)


class Employee(models.Model):
    """An employee of a member organisation. Only what convocations need; never a social security number."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="employees"
    )
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    population = models.CharField(_("population"), max_length=10, choices=Population.choices)
    contract_type = models.CharField(_("contract"), max_length=10, choices=ContractType.choices)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    mobile = models.CharField(_("mobile"), max_length=16, blank=True, validators=[mobile_validator])
    adaptation_need = models.TextField(
        _("adaptation need"), blank=True, max_length=1000,
        help_text=_("Only what the trainer must arrange (access, pace, materials). Never a diagnosis."),
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The organisation's calendar feed prints its trainees' names: its ETag follows their last change.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"], name="employee_org_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(population="insertion", contract_type__in=["CDDI", "CDDU", "CTTI", "AUTRE"])
                | Q(population="permanent", contract_type__in=["CDI", "CDD", "APPRENTI", "AUTRE"]),
                name="employee_contract_fits_population",
            ),
            # Among the organisation's current employees: someone who left and comes back is added again.
            models.UniqueConstraint(
                fields=["organisation", "email"], condition=~Q(email="") & Q(archived_at__isnull=True),
                name="one_current_employee_per_email_in_organisation",
            ),
        ]

    def __str__(self) -> str:
        return full_name(self.first_name, self.last_name)

    @property
    def population_label(self) -> str:
        return str(Population(self.population).label)

    @property
    def mobile_display(self) -> str:
        return mobile_for_display(self.mobile)


def full_name(first_name: str, last_name: str) -> str:
    """How an employee is named on screen (also for a list's rows read without their model)."""
    return f"{first_name} {last_name}"


def mobile_for_display(mobile: str) -> str:
    """'+33612345678' shown as '06 12 34 56 78'; other numbers as stored."""
    if mobile.startswith("+33") and len(mobile) == 12:
        digits = "0" + mobile[3:]
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return mobile


# What HR may set on an employee, by form or by CSV import (the organisation and archiving aside).
EMPLOYEE_DATA_FIELDS = (
    "last_name", "first_name", "population", "contract_type", "job_title", "email", "mobile", "adaptation_need",
)


class MemberUser(models.Model):
    """Links a member HR user to the one organisation whose data they may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        primary_key=True, related_name="member",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="member_users"
    )

    class Meta:
        verbose_name = _("member user")
        verbose_name_plural = _("member users")

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"
