"""Demo data for the catalogue: about forty courses of the network's training offer (5,000 at full scale)."""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from catalogue.models import Audience, Course, Modality, Theme

THEMES = {
    "accompagnement-socio-professionnel": "Accompagnement socio-professionnel",
    "encadrement-technique-insertion": "Encadrement technique d'insertion",
    "management-gouvernance-siae": "Management et gouvernance des SIAE",
    "services-a-la-personne": "Services à la personne",
    "sante-securite-travail": "Santé et sécurité au travail",
    "savoirs-de-base-fle": "Savoirs de base et FLE",
    "numerique": "Numérique",
    "gestion-financement": "Gestion et financement",
}

INSERTION, PERMANENT, MANAGERS, ALL = Audience.INSERTION, Audience.PERMANENT, Audience.MANAGERS, Audience.ALL
IN_PERSON, REMOTE, BLENDED = Modality.IN_PERSON, Modality.REMOTE, Modality.BLENDED


@dataclass(frozen=True)
class Offer:
    code: str
    title: str
    themes: tuple[str, ...]
    audience: str
    hours: str
    days: str
    modality: str
    member_price: str
    public_price: str
    nsf_code: str
    objectives: tuple[str, ...]
    certification: str = ""
    prerequisites: str = "Aucun."


ASP, ETI, MGT = "accompagnement-socio-professionnel", "encadrement-technique-insertion", "management-gouvernance-siae"
SAP, SST, SDB = "services-a-la-personne", "sante-securite-travail", "savoirs-de-base-fle"
NUM, GEF = "numerique", "gestion-financement"

OFFER = [
    Offer("ASP-01", "Les fondamentaux de l'accompagnement socio-professionnel", (ASP,), PERMANENT, "21", "3", IN_PERSON,
          "420", "630", "332t", ("Situer son rôle de conseiller·ère en insertion dans le parcours IAE",
                                 "Conduire un diagnostic socio-professionnel partagé",
                                 "Construire un plan d'action avec le ou la salarié·e")),
    Offer("ASP-02", "Conduire un entretien d'accompagnement", (ASP,), PERMANENT, "14", "2", IN_PERSON, "290", "430",
          "332t", ("Préparer et structurer un entretien individuel", "Pratiquer l'écoute active et la reformulation",
                   "Formaliser un bilan intermédiaire")),
    Offer("ASP-03", "Lever les freins périphériques à l'emploi", (ASP,), PERMANENT, "14", "2", BLENDED, "290", "430",
          "332t", ("Repérer les freins liés au logement, à la mobilité et à la santé",
                   "Mobiliser les partenaires du territoire", "Suivre les démarches engagées")),
    Offer("ASP-04", "Préparer la sortie vers l'emploi durable", (ASP,), PERMANENT, "14", "2", IN_PERSON, "290", "430",
          "332t", ("Identifier les compétences transférables", "Construire une stratégie de recherche d'emploi",
                   "Mobiliser les entreprises partenaires")),
    Offer("ASP-05", "Accompagner les publics jeunes en parcours d'insertion", (ASP,), PERMANENT, "7", "1", REMOTE,
          "150", "220", "332t", ("Comprendre les attentes des 16-25 ans", "Adapter sa posture d'accompagnement",
                                 "Articuler son action avec la Mission locale")),
    Offer("ETI-01", "Encadrant·e technique d'insertion : prendre son poste", (ETI,), PERMANENT, "28", "4", IN_PERSON,
          "540", "810", "315p", ("Situer la fonction d'encadrement technique dans la SIAE",
                                 "Organiser la production en tenant compte des parcours",
                                 "Transmettre un geste professionnel")),
    Offer("ETI-02", "Transmettre les savoir-faire en situation de production", (ETI,), PERMANENT, "14", "2",
          IN_PERSON, "290", "430", "315p", ("Décomposer une tâche en étapes", "Utiliser la démonstration commentée",
                                             "Évaluer la progression des salarié·es")),
    Offer("ETI-03", "Évaluer les compétences en situation de travail", (ETI, ASP), PERMANENT, "14", "2", BLENDED,
          "290", "430", "315p", ("Construire une grille d'observation", "Conduire une évaluation en situation",
                                 "Rédiger une attestation de compétences")),
    Offer("ETI-04", "Gérer les situations difficiles sur le chantier", (ETI,), PERMANENT, "14", "2", IN_PERSON,
          "290", "430", "315p", ("Anticiper les tensions dans l'équipe", "Désamorcer un conflit",
                                 "Poser un cadre et le faire respecter")),
    Offer("ETI-05", "Titre professionnel Encadrant technique d'insertion (préparation)", (ETI,), PERMANENT, "70",
          "10", BLENDED, "1650", "2400", "315p", ("Maîtriser les activités types du titre professionnel",
                                                   "Constituer son dossier professionnel",
                                                   "Se préparer à l'entretien avec le jury"),
          certification="RNCP34143", prerequisites="Exercer une fonction d'encadrement en SIAE."),
    Offer("MGT-01", "Diriger une SIAE : enjeux et responsabilités", (MGT,), MANAGERS, "21", "3", IN_PERSON, "480",
          "720", "310m", ("Connaître le cadre réglementaire de l'IAE", "Piloter le projet social et économique",
                          "Dialoguer avec les financeurs et l'administration")),
    Offer("MGT-02", "Gouvernance associative et rôle des administrateurs", (MGT,), MANAGERS, "7", "1", REMOTE, "150",
          "220", "310m", ("Clarifier les rôles du bureau et de la direction", "Préparer une assemblée générale",
                          "Prévenir les risques de gestion de fait")),
    Offer("MGT-03", "Manager une équipe de permanents", (MGT,), MANAGERS, "14", "2", IN_PERSON, "310", "460", "315p",
          ("Adapter son style de management", "Conduire l'entretien professionnel",
           "Animer une réunion d'équipe efficace")),
    Offer("MGT-04", "Dialogue social et instances représentatives dans la SIAE", (MGT,), MANAGERS, "7", "1",
          IN_PERSON, "160", "240", "315p", ("Connaître les obligations liées au CSE", "Préparer les consultations",
                                             "Négocier un accord d'entreprise")),
    Offer("MGT-05", "Piloter la démarche qualité de sa structure", (MGT, GEF), MANAGERS, "14", "2", BLENDED, "310",
          "460", "310m", ("Choisir un référentiel adapté", "Conduire un auto-diagnostic",
                          "Suivre un plan d'amélioration continue")),
    Offer("SAP-01", "Les gestes de l'aide à domicile", (SAP,), INSERTION, "35", "5", IN_PERSON, "450", "680", "330t",
          ("Entretenir le cadre de vie", "Accompagner une personne dans les actes de la vie quotidienne",
           "Communiquer avec la personne aidée et sa famille")),
    Offer("SAP-02", "Bientraitance et prévention de la maltraitance", (SAP,), ALL, "7", "1", IN_PERSON, "150", "220",
          "330t", ("Définir la bientraitance", "Repérer les situations à risque",
                   "Savoir alerter selon les procédures")),
    Offer("SAP-03", "Accompagner une personne atteinte de troubles cognitifs", (SAP,), INSERTION, "14", "2",
          IN_PERSON, "290", "430", "330t", ("Comprendre les troubles cognitifs", "Adapter sa communication",
                                             "Sécuriser l'environnement de la personne")),
    Offer("SAP-04", "Entretien du linge et repassage professionnel", (SAP,), INSERTION, "14", "2", IN_PERSON, "260",
          "390", "330t", ("Lire les étiquettes d'entretien", "Organiser un poste de repassage",
                          "Réaliser un repassage de qualité professionnelle")),
    Offer("SAP-05", "Coordonner une équipe d'intervenant·es à domicile", (SAP, MGT), PERMANENT, "14", "2", BLENDED,
          "310", "460", "330t", ("Planifier les interventions", "Gérer les absences et remplacements",
                                 "Assurer le lien avec les bénéficiaires")),
    Offer("SST-01", "Sauveteur secouriste du travail (SST)", (SST,), ALL, "14", "2", IN_PERSON, "180", "260", "344t",
          ("Intervenir face à une situation d'accident du travail", "Alerter les secours",
           "Contribuer à la prévention des risques"), certification="RS727"),
    Offer("SST-02", "Gestes et postures, prévention des TMS", (SST,), INSERTION, "7", "1", IN_PERSON, "140", "210",
          "344t", ("Comprendre le fonctionnement du corps", "Appliquer les principes de sécurité physique",
                   "Aménager son poste de travail")),
    Offer("SST-03", "Rédiger et faire vivre le document unique", (SST, MGT), MANAGERS, "7", "1", REMOTE, "150",
          "220", "344t", ("Identifier et évaluer les risques professionnels", "Rédiger le document unique",
                          "Construire un plan de prévention")),
    Offer("SST-04", "Prévenir les risques psychosociaux", (SST,), PERMANENT, "14", "2", BLENDED, "290", "430",
          "344t", ("Définir les risques psychosociaux", "Repérer les signaux d'alerte",
                   "Mettre en place des actions de prévention")),
    Offer("SST-05", "Habilitation électrique B0-H0V pour non-électriciens", (SST, ETI), INSERTION, "7", "1",
          IN_PERSON, "160", "240", "344t", ("Connaître les dangers de l'électricité",
                                             "Appliquer les consignes de sécurité",
                                             "Réagir face à un accident d'origine électrique")),
    Offer("SDB-01", "Français langue étrangère à visée professionnelle (A1-A2)", (SDB,), INSERTION, "60", "10",
          IN_PERSON, "600", "900", "136t", ("Se présenter dans un contexte professionnel",
                                             "Comprendre des consignes de travail simples",
                                             "Lire des documents courants du poste")),
    Offer("SDB-02", "Préparer le certificat CléA", (SDB,), INSERTION, "42", "6", BLENDED, "520", "780", "415t",
          ("Se positionner sur les sept domaines du socle", "Renforcer les compétences à acquérir",
           "Présenter l'évaluation finale"), certification="RS5080"),
    Offer("SDB-03", "Repérer et accompagner les situations d'illettrisme", (SDB, ASP), PERMANENT, "14", "2",
          IN_PERSON, "290", "430", "411t", ("Distinguer illettrisme, analphabétisme et FLE",
                                             "Repérer les situations en entretien",
                                             "Orienter vers les dispositifs adaptés")),
    Offer("SDB-04", "Calcul et raisonnement au service du métier", (SDB,), INSERTION, "21", "3", IN_PERSON, "300",
          "450", "411t", ("Maîtriser les quatre opérations en situation professionnelle",
                          "Utiliser les unités de mesure", "Lire un plan ou un tableau simple")),
    Offer("SDB-05", "Écrits professionnels du quotidien", (SDB,), INSERTION, "14", "2", IN_PERSON, "220", "330",
          "411t", ("Remplir un formulaire", "Rédiger un message court et clair", "Compléter une fiche d'intervention")),
    Offer("NUM-01", "Premiers pas avec le numérique", (NUM, SDB), INSERTION, "14", "2", IN_PERSON, "220", "330",
          "326t", ("Utiliser un ordinateur et un smartphone", "Naviguer sur Internet en sécurité",
                   "Envoyer un courriel avec une pièce jointe")),
    Offer("NUM-02", "Les démarches en ligne de l'usager", (NUM, ASP), INSERTION, "7", "1", IN_PERSON, "120", "180",
          "326t", ("Créer et gérer ses identifiants", "Réaliser ses démarches sur les sites publics",
                   "Protéger ses données personnelles")),
    Offer("NUM-03", "Accompagner les salarié·es vers l'autonomie numérique", (NUM, ASP), PERMANENT, "14", "2",
          BLENDED, "290", "430", "326t", ("Évaluer le niveau numérique d'un·e salarié·e",
                                           "Concevoir un parcours progressif", "Utiliser les ressources existantes")),
    Offer("NUM-04", "Tableur : suivre son activité avec des tableaux", (NUM, GEF), PERMANENT, "14", "2", REMOTE,
          "260", "390", "326t", ("Construire un tableau de suivi", "Utiliser les formules courantes",
                                 "Présenter des données sous forme de graphique")),
    Offer("NUM-05", "RGPD : protéger les données des salarié·es accompagné·es", (NUM, MGT), ALL, "7", "1", REMOTE,
          "150", "220", "326t", ("Connaître les principes du RGPD", "Tenir le registre des traitements",
                                 "Répondre à une demande d'accès")),
    Offer("GEF-01", "Comprendre le financement de l'IAE", (GEF, MGT), MANAGERS, "7", "1", REMOTE, "150", "220",
          "314p", ("Connaître l'aide au poste et ses modulations", "Identifier les cofinancements",
                   "Préparer le dialogue de gestion")),
    Offer("GEF-02", "Construire et suivre le budget de sa structure", (GEF,), MANAGERS, "14", "2", IN_PERSON, "310",
          "460", "314p", ("Construire un budget prévisionnel", "Suivre l'exécution budgétaire",
                          "Analyser les écarts")),
    Offer("GEF-03", "Répondre à un marché public avec clause d'insertion", (GEF,), MANAGERS, "14", "2", BLENDED,
          "310", "460", "314p", ("Repérer les marchés adaptés", "Constituer un dossier de candidature",
                                 "Chiffrer une offre")),
    Offer("GEF-04", "Paie et contrats spécifiques de l'IAE", (GEF,), PERMANENT, "14", "2", IN_PERSON, "290", "430",
          "315p", ("Établir la paie d'un CDDI", "Gérer les mises à disposition en AI",
                   "Connaître les exonérations applicables")),
    Offer("GEF-05", "Mobiliser les fonds de la formation professionnelle", (GEF, MGT), PERMANENT, "7", "1", REMOTE,
          "150", "220", "315p", ("Connaître les dispositifs de financement des OPCO",
                                 "Construire un plan de développement des compétences",
                                 "Solliciter le fonds mutualisé COORACE")),
]

DRAFTS = {"ETI-05", "GEF-05"}  # still being written by training staff: unpublished
PROGRAMME_CLOSE = "Bilan de la formation, évaluation des acquis et des points d'amélioration."
TEACHING = {
    IN_PERSON: "Apports théoriques courts, études de cas issues des structures, mises en situation et échanges de pratiques.",
    REMOTE: "Classe virtuelle en petit groupe, quiz interactifs, travaux en sous-groupes et ressources en ligne.",
    BLENDED: "Alternance de séquences à distance (modules en ligne, classe virtuelle) et de journées en présentiel.",
}
EVALUATION = ("Positionnement en début de formation, évaluation des acquis en fin de formation (quiz et mise en "
              "situation), questionnaire de satisfaction à chaud. Attestation de fin de formation remise à chaque stagiaire.")
ACCESSIBILITY = ("Formation accessible aux personnes en situation de handicap. Contactez notre référente handicap "
                 "(handicap@coorace.example.org) au moins trois semaines avant la session pour étudier ensemble les "
                 "adaptations nécessaires (supports, rythme, accès aux locaux).")
ACCESS_DELAY = "Inscription jusqu'à 10 jours ouvrés avant le début de la session ; réponse sous 72 heures."
VARIANT_TITLES = ("approfondissement", "niveau 2", "session régionale", "en équipe", "pour les nouveaux arrivants",
                  "retour d'expérience", "module complémentaire", "parcours certifiant")


def intra_price(public: Decimal, days: Decimal) -> Decimal:
    """About six trainees' worth per day, between 1,100 € and the fund's 1,800 € cap for an intra day."""
    return min(max((public / days * 6).quantize(Decimal("10")), Decimal("1100")), Decimal("1800")).quantize(Decimal("0.01"))


def course_from(offer: Offer, *, code: str, title: str, published: bool, member: Decimal, public: Decimal,
                modality: str) -> Course:
    objectives = list(offer.objectives)
    programme = "\n".join(f"Séquence {n} : {objective}." for n, objective in enumerate(objectives, 1))
    course = Course(
        code=code, title=title, objectives=objectives, programme=f"{programme}\n{PROGRAMME_CLOSE}",
        prerequisites=offer.prerequisites, audience=offer.audience, duration_hours=Decimal(offer.hours),
        duration_days=Decimal(offer.days), modality=modality, teaching_methods=TEACHING[modality],
        evaluation_method=EVALUATION, accessibility=ACCESSIBILITY, access_delay=ACCESS_DELAY,
        contact_name="Fanny, chargée de formation", contact_email="formation@coorace.example.org",
        nsf_code=offer.nsf_code, certification_code=offer.certification, member_price=member, public_price=public,
        intra_price_per_day=intra_price(public, Decimal(offer.days)), published=published,
    )
    course.derive_fields()
    return course


def demo_courses() -> list[tuple[Course, tuple[str, ...]]]:
    return [
        (course_from(offer, code=offer.code, title=offer.title, published=offer.code not in DRAFTS,
                     member=Decimal(offer.member_price), public=Decimal(offer.public_price), modality=offer.modality),
         offer.themes)
        for offer in OFFER
    ]


def variant_courses(count: int, rng: random.Random) -> list[tuple[Course, tuple[str, ...]]]:
    """Regional and level variants of the offer, to give the catalogue its full-scale size."""
    variants = []
    for index in range(count):
        offer = OFFER[index % len(OFFER)]
        number = index // len(OFFER) + 1
        public = Decimal(offer.public_price) * Decimal(rng.randint(90, 115)) / 100
        member = public * Decimal(rng.randint(60, 80)) / 100
        variants.append((course_from(
            offer, code=f"{offer.code}-{number:03d}",
            title=f"{offer.title} – {VARIANT_TITLES[number % len(VARIANT_TITLES)]} {number}",
            published=rng.random() < 0.95, member=member.quantize(Decimal("1")), public=public.quantize(Decimal("1")),
            modality=rng.choice(list(Modality)),
        ), offer.themes))
    return variants


def seed_themes() -> dict[str, Theme]:
    for slug, name in THEMES.items():
        Theme.objects.update_or_create(slug=slug, defaults={"name": name})
    return {theme.slug: theme for theme in Theme.objects.filter(slug__in=THEMES)}


def create_courses(courses: list[tuple[Course, tuple[str, ...]]], themes: dict[str, Theme]) -> int:
    """Create the courses whose code does not exist yet, with their themes; returns how many were created."""
    existing = set(Course.objects.values_list("code", flat=True))
    new = [(course, slugs) for course, slugs in courses if course.code not in existing]
    Course.objects.bulk_create([course for course, _slugs in new], batch_size=1000)
    ids = dict(Course.objects.filter(code__in=[course.code for course, _slugs in new]).values_list("code", "pk"))
    Link = Course.themes.through
    Link.objects.bulk_create(
        [Link(course_id=ids[course.code], theme_id=themes[slug].pk) for course, slugs in new for slug in slugs],
        batch_size=5000,
    )
    return len(new)


FULL_SCALE_COURSES = 5000


@transaction.atomic
def seed(*, scale: str, rng: random.Random, password: str, progress) -> str:
    themes = seed_themes()
    courses = demo_courses()
    if scale == "full":
        courses += variant_courses(FULL_SCALE_COURSES - len(courses), rng)
    created = create_courses(courses, themes)
    return f"{len(themes)} thématiques, {created} formations créées ({Course.objects.count()} au catalogue)"
