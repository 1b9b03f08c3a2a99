"""One settings module, driven by the environment (see the configuration table in README.md)."""

import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# The test client and the live test server speak plain HTTP: no HTTPS redirect under pytest.
TESTING = "pytest" in sys.modules
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "django-insecure-local-development-key-change-me"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core",
    "adherents",
    "catalogue",
    "formation",
    "mutualisation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "adherents.auth.SessionUserMiddleware",  # Django's, taking the user read with the session
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The zero-setup database (make run): a writing transaction takes SQLite's write lock when it begins, and
    # waits up to 20 s for it, so that people enrolling at the same moment queue instead of getting an error.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_PREPARED_STATEMENTS", True):
    # Parameters bound on the server, and a query run twice on a connection is prepared: PostgreSQL plans it
    # once. Turn off (DATABASE_PREPARED_STATEMENTS=0) behind a pooler in transaction mode, such as PgBouncer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
# The fund's posting function is called as a prepared statement of its own (mutualisation/services/posting.py).
LEDGER_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)

# The cache: this process's memory, or one shared by every web process (DJANGO_CACHE_URL=redis://…).
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The layout's fixed parts, drawn once per language and per logged-in person in each process (core/layout.py).
    "layout": {"BACKEND": "core.kept_objects.KeptObjectsCache", "LOCATION": "layout",
               "OPTIONS": {"MAX_ENTRIES": 5000}},
}
# Sessions live in the database, each read in the same query as the person logged in with it (adherents/sessions.py):
# one round trip a page to know who is asking, where a cached session and then the person took two.
SESSION_ENGINE = "adherents.sessions"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
# Loads a member HR user's organisation in the same query as the user (adherents/auth.py).
AUTHENTICATION_BACKENDS = ["adherents.auth.MemberAwareBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In production (DEBUG off) `collectstatic` has run and files carry a content hash; in development
# and tests whitenoise serves them straight from the app folders.
SERVE_STATIC_FROM_FINDERS = DEBUG or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if SERVE_STATIC_FROM_FINDERS
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = SERVE_STATIC_FROM_FINDERS
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# E-mail: console by default; any Django backend and SMTP settings from the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "COORACE Formation <formation@coorace.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker every task runs eagerly, in-process, once the transaction commits.
# Without a broker, tasks run eagerly in-process; Celery still asks for a broker connection it never opens, and
# kombu's in-memory one keeps it from warning about a missing host.
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Scheduled work (run `celery -A config beat`); each task is idempotent.
CELERY_BEAT_SCHEDULE = {
    "convocations-and-reminders": {"task": "formation.tasks.send_due_convocations", "schedule": 60 * 60},
    "follow-up-surveys": {"task": "formation.tasks.invite_follow_up_surveys", "schedule": 24 * 60 * 60},
    "verify-ledger-nightly": {"task": "mutualisation.tasks.verify_ledger_nightly", "schedule": crontab(hour=2, minute=30)},
}

# Security: strict whenever DEBUG is off (see `manage.py check --deploy`).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

DJANGO_TABLES2_TEMPLATE = "includes/table.html"

# The public address of the site, for links in e-mails and calendar files.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The training body named on documents (convocations, certificates, attestations).
TRAINING_BODY = {
    "name": "COORACE Formation",
    "address": os.environ.get("TRAINING_BODY_ADDRESS", "17 rue Froment, 75011 Paris"),
    "nda": os.environ.get("TRAINING_BODY_NDA", "11 75 00000 75"),  # numéro de déclaration d'activité
    # Who keeps the fund's books: the FEC file's legal name starts with it (checked: mutualisation/checks.py).
    "siren": os.environ.get("TRAINING_BODY_SIREN", "").replace(" ", ""),
    "signatory": os.environ.get("TRAINING_BODY_SIGNATORY", "La directrice de COORACE Formation"),
    "contact_email": os.environ.get("TRAINING_BODY_EMAIL", "formation@coorace.org"),
    "contact_phone": os.environ.get("TRAINING_BODY_PHONE", "01 49 23 70 50"),
    "accessibility_contact": os.environ.get("TRAINING_BODY_ACCESSIBILITY", "referent.handicap@coorace.org"),
}

# Employee CSV import limits: a larger file is refused with a message, never parsed.
EMPLOYEE_IMPORT_MAX_BYTES = 2 * 1024 * 1024
EMPLOYEE_IMPORT_MAX_ROWS = 5000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
