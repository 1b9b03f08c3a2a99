"""Demo data for the network, in the federation's real proportions (press kit figures)."""

import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from adherents.identifiers import with_check_digit
from adherents.models import (
    ContractType,
    Delegation,
    Employee,
    HeadcountBand,
    Membership,
    MemberUser,
    Opco,
    Organisation,
    OrganisationKind,
    Population,
)
from adherents.services import create_member_user

DELEGATIONS = {
    "auvergne-rhone-alpes": ("Auvergne-Rhône-Alpes", ["Lyon", "Grenoble", "Clermont-Ferrand", "Saint-Étienne"]),
    "bourgogne-franche-comte": ("Bourgogne-Franche-Comté", ["Dijon", "Besançon", "Auxerre"]),
    "bretagne": ("Bretagne", ["Rennes", "Brest", "Lorient", "Saint-Brieuc"]),
    "centre-val-de-loire": ("Centre-Val de Loire", ["Tours", "Orléans", "Bourges"]),
    "corse": ("Corse", ["Ajaccio", "Bastia"]),
    "grand-est": ("Grand Est", ["Strasbourg", "Metz", "Nancy", "Reims"]),
    "hauts-de-france": ("Hauts-de-France", ["Lille", "Amiens", "Arras", "Dunkerque"]),
    "ile-de-france": ("Île-de-France", ["Paris", "Montreuil", "Saint-Denis", "Versailles"]),
    "normandie": ("Normandie", ["Rouen", "Caen", "Le Havre"]),
    "nouvelle-aquitaine": ("Nouvelle-Aquitaine", ["Bordeaux", "Limoges", "Poitiers", "Pau"]),
    "occitanie": ("Occitanie", ["Toulouse", "Montpellier", "Nîmes", "Perpignan"]),
    "pays-de-la-loire": ("Pays de la Loire", ["Nantes", "Angers", "Le Mans"]),
    "provence-alpes-cote-d-azur": ("Provence-Alpes-Côte d'Azur", ["Marseille", "Nice", "Avignon", "Toulon"]),
    "guadeloupe": ("Guadeloupe", ["Pointe-à-Pitre", "Basse-Terre"]),
    "martinique": ("Martinique", ["Fort-de-France", "Le Lamentin"]),
    "guyane": ("Guyane", ["Cayenne", "Kourou"]),
    "la-reunion": ("La Réunion", ["Saint-Denis de La Réunion", "Saint-Pierre"]),
}

# Members per kind: the press kit's 512 members (305 AI, 71 ACI, 46 OSP, 50 ETTI, 20 EI, 20 others).
FULL_MIX = {
    OrganisationKind.AI: 305, OrganisationKind.ACI: 71, OrganisationKind.OSP: 46,
    OrganisationKind.ETTI: 50, OrganisationKind.EI: 20, OrganisationKind.OTHER: 20,
}
DEMO_MIX = {
    OrganisationKind.AI: 36, OrganisationKind.ACI: 8, OrganisationKind.OSP: 5,
    OrganisationKind.ETTI: 6, OrganisationKind.EI: 3, OrganisationKind.OTHER: 2,
}
NAME_PATTERNS = {
    OrganisationKind.AI: ["AI {word} {city}", "Association {word} Emploi {city}", "{word} Services {city}"],
    OrganisationKind.ACI: ["Chantier {word} {city}", "Atelier {word} {city}", "Jardins {word} de {city}"],
    OrganisationKind.OSP: ["Proxim'Services {city}", "{word} à Domicile {city}"],
    OrganisationKind.ETTI: ["ETTI {word} Intérim {city}", "{word} Travail Temporaire {city}"],
    OrganisationKind.EI: ["EI {word} Recyclage {city}", "{word} Bâtiment Insertion {city}"],
    OrganisationKind.OTHER: ["{word} Formation {city}", "Coopérative {word} {city}"],
}
WORDS = [
    "Solidarité", "Horizon", "Passerelle", "Tremplin", "Agir", "Avenir", "Relais", "Trait d'Union",
    "Cap Emploi", "Élan", "Rebond", "Initiative", "Partage", "Envol", "Ressources", "Terre d'Accueil",
]
OPCO_BY_KIND = {
    OrganisationKind.AI: Opco.UNIFORMATION, OrganisationKind.ACI: Opco.UNIFORMATION,
    OrganisationKind.OSP: Opco.AKTO, OrganisationKind.ETTI: Opco.AKTO,
    OrganisationKind.EI: Opco.CONSTRUCTYS, OrganisationKind.OTHER: Opco.UNIFORMATION,
}
IDCC_BY_KIND = {
    OrganisationKind.AI: "3016", OrganisationKind.ACI: "3016", OrganisationKind.OSP: "2941",
    OrganisationKind.ETTI: "2378", OrganisationKind.EI: "1597", OrganisationKind.OTHER: "1516",
}
FIRST_NAMES = [
    "Sophie", "Karim", "Nathalie", "Mamadou", "Isabelle", "Julien", "Fatima", "Thierry", "Aïcha", "Pascal",
    "Sandrine", "Youssef", "Céline", "Moussa", "Valérie", "Kevin", "Nadia", "Olivier", "Amina", "Christophe",
    "Laetitia", "Rachid", "Émilie", "Ibrahima", "Martine", "Sébastien", "Leïla", "Franck", "Chantal", "Dylan",
]
LAST_NAMES = [
    "Martin", "Bernard", "Diallo", "Petit", "Robert", "Benali", "Richard", "Durand", "Traoré", "Moreau",
    "Laurent", "Haddad", "Simon", "Michel", "Lefebvre", "Camara", "Leroy", "Roux", "Mendy", "Fournier",
    "Girard", "Bonnet", "Mercier", "Nguyen", "Fontaine", "Chevalier", "Rousseau", "Blanc", "Guerin", "Ba",
]
INSERTION_JOBS = ["Agent·e d'entretien", "Ouvrier·ère polyvalent·e", "Aide à domicile", "Manutentionnaire",
                  "Agent·e d'espaces verts", "Maraîcher·ère", "Agent·e de tri", "Aide-maçon·ne"]
PERMANENT_JOBS = ["Encadrant·e technique", "Conseiller·ère en insertion", "Chargé·e d'accueil",
                  "Directeur·rice", "Assistant·e RH", "Chargé·e de relations entreprises"]


@dataclass(frozen=True)
class Scale:
    mix: dict
    employees_per_organisation: tuple[int, int]


SCALES = {
    "demo": Scale(DEMO_MIX, (12, 40)),
    # 512 organisations averaging 195 employees: about 100,000 employees.
    "full": Scale(FULL_MIX, (40, 350)),
}


def demo_siret(index: int) -> str:
    siren = with_check_digit(f"{41000000 + index * 7919:08d}")
    return with_check_digit(siren + "0001")


def seed_delegations() -> list[Delegation]:
    for code, (name, _cities) in DELEGATIONS.items():
        Delegation.objects.update_or_create(code=code, defaults={"name": name})
    return list(Delegation.objects.order_by("code"))


def seed_organisations(scale: Scale, rng: random.Random) -> list[Organisation]:
    delegations = seed_delegations()
    existing = set(Organisation.objects.values_list("siret", flat=True))
    kinds = [kind for kind, count in scale.mix.items() for _ in range(count)]
    rng.shuffle(kinds)
    new = []
    for index, kind in enumerate(kinds):
        siret = demo_siret(index)
        if siret in existing:
            continue
        delegation = delegations[index % len(delegations)]
        city = rng.choice(DELEGATIONS[delegation.code][1])
        name = rng.choice(NAME_PATTERNS[kind]).format(word=rng.choice(WORDS), city=city)
        band = rng.choices(list(HeadcountBand), weights=[6, 3, 1])[0]
        new.append(Organisation(
            legal_name=name, siret=siret, kind=kind, delegation=delegation, city=city,
            economic_group=f"GES {rng.choice(WORDS)} {delegation.name}" if index % 9 == 0 else "",
            opco=OPCO_BY_KIND[kind], idcc=IDCC_BY_KIND[kind], headcount_band=band,
            contact_email=f"rh{index}@adherent-{index}.example.org",
        ))
    Organisation.objects.bulk_create(new, batch_size=1000)
    return list(Organisation.objects.filter(siret__in=[demo_siret(i) for i in range(len(kinds))]).order_by("siret"))


def seed_memberships(organisations: list[Organisation], rng: random.Random) -> None:
    year = timezone.localdate().year
    have = set(Membership.objects.values_list("organisation_id", "year"))
    new = []
    for position, organisation in enumerate(organisations):
        for member_year in (year - 1, year):
            if (organisation.pk, member_year) in have:
                continue
            # About one member in fifteen has let this year's membership lapse; the first two never do.
            lapsed = member_year == year and position > 1 and rng.random() < 0.07
            new.append(Membership(
                organisation=organisation, year=member_year,
                status=Membership.Status.LAPSED if lapsed else Membership.Status.ACTIVE, fee_paid=not lapsed,
            ))
    Membership.objects.bulk_create(new, batch_size=2000)


def make_employee(organisation: Organisation, number: int, rng: random.Random) -> Employee:
    insertion = rng.random() < 0.8
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    if insertion:
        contract = {OrganisationKind.AI: ContractType.CDDU, OrganisationKind.ETTI: ContractType.CTTI}.get(
            organisation.kind, ContractType.CDDI)
    else:
        contract = rng.choice([ContractType.CDI, ContractType.CDI, ContractType.CDD])
    has_email = rng.random() < 0.7
    return Employee(
        organisation=organisation, first_name=first, last_name=last,
        population=Population.INSERTION if insertion else Population.PERMANENT, contract_type=contract,
        job_title=rng.choice(INSERTION_JOBS if insertion else PERMANENT_JOBS),
        email=f"{slugify(first)}.{slugify(last)}.{number}@salaries-{organisation.pk}.example.org" if has_email else "",
        mobile=f"+336{rng.randrange(10_000_000, 99_999_999)}" if rng.random() < 0.8 else "",
        adaptation_need="Supports écrits en gros caractères" if rng.random() < 0.03 else "",
    )


def seed_employees(organisations: list[Organisation], scale: Scale, rng: random.Random, progress) -> int:
    """Employees for the organisations that have none yet; returns how many were created."""
    staffed = set(Employee.objects.values_list("organisation_id", flat=True).distinct())
    created, batch = 0, []
    low, high = scale.employees_per_organisation
    for organisation in progress(organisations):
        count = rng.randint(low, high)
        if organisation.pk in staffed:
            continue
        batch.extend(make_employee(organisation, number, rng) for number in range(count))
        if len(batch) >= 5000:
            Employee.objects.bulk_create(batch, batch_size=5000)
            created += len(batch)
            batch = []
    Employee.objects.bulk_create(batch, batch_size=5000)
    return created + len(batch)


def seed_member_users(organisations: list[Organisation], password: str) -> None:
    for username, organisation in (("adherent", organisations[0]), ("adherent2", organisations[1])):
        if MemberUser.objects.filter(user__username=username).exists():
            continue
        create_member_user(
            username=username, email=f"{username}@adherent.example.org", password=password,
            organisation=organisation, first_name="Claire" if username == "adherent" else "Hugo",
            last_name="Responsable RH",
        )


@transaction.atomic
def seed(*, scale: str, rng: random.Random, password: str, progress) -> str:
    chosen = SCALES[scale]
    organisations = seed_organisations(chosen, rng)
    seed_memberships(organisations, rng)
    employees = seed_employees(organisations, chosen, rng, progress)
    seed_member_users(organisations, password)
    return f"{len(organisations)} adhérents, {employees} salariés créés"
