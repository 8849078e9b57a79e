"""Settings from environment variables, with defaults that serve a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# How passwords are stored. Only a TESTING app may set PASSWORD_HASH_METHOD to another method
# (the test suite signs in hundreds of times and uses a cheap one); create_app checks it.
PASSWORD_HASH_METHOD = "scrypt"


class ConfigError(RuntimeError):
    """The environment asks for something unsafe or impossible; the message says what to set."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _secret_key(instance_path: Path, env: str) -> str:
    """SECRET_KEY from the environment; in development, generated once into the instance folder."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env == "production":
        raise ConfigError(
            "SECRET_KEY is not set. In production Casework refuses to start without it: "
            "set SECRET_KEY to a long random value, for example the output of "
            '`python -c "import secrets; print(secrets.token_hex(32))"`.'
        )
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_settings(instance_path: str) -> dict:
    """Read every setting from the environment once, at start-up."""
    instance = Path(instance_path)
    env = os.environ.get("CASEWORK_ENV", "development").strip().lower()
    if env not in {"development", "production"}:
        raise ConfigError(f"CASEWORK_ENV must be 'development' or 'production', got {env!r}")
    production = env == "production"
    mail_server = os.environ.get("MAIL_SERVER", "")
    return {
        "CASEWORK_ENV": env,
        "SECRET_KEY": _secret_key(instance, env),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance / 'casework.sqlite3'}",
        "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR", "search_index"),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(instance / "uploads"),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_BACKEND": "smtp" if mail_server else "console",
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool(os.environ.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(os.environ.get("MAIL_USE_SSL")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Casework <support@casework.example>"),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "en"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("DEFAULT_TIMEZONE", "UTC"),
        "MAX_CONTENT_LENGTH": _int("MAX_REQUEST_MB", 25) * 1024 * 1024,
        "MAX_FILE_BYTES": _int("MAX_FILE_MB", 10) * 1024 * 1024,
        "MAX_FILES_PER_REQUEST": _int("MAX_FILES_PER_REQUEST", 10),
        "REOPEN_WINDOW_DAYS": _int("REOPEN_WINDOW_DAYS", 14),
        # How often an open staff page asks for its unread notification count.
        "NOTIFICATION_POLL_SECONDS": _int("NOTIFICATION_POLL_SECONDS", 45),
        "SURVEY_LINK_DAYS": _int("SURVEY_LINK_DAYS", 30),
        "SURVEY_CHANGE_DAYS": _int("SURVEY_CHANGE_DAYS", 7),
        "NPS_INTERVAL_DAYS": _int("NPS_INTERVAL_DAYS", 90),
        "NPS_CASE_DAYS": _int("NPS_CASE_DAYS", 90),
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "MAX_FORM_PARTS": 1000,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "__Host-casework" if production else "casework",
        # Flask-Login's name, with the same `__Host-` prefix as the session cookie in production
        # (the browser then refuses it unless Secure, Path=/ and without Domain).
        "REMEMBER_COOKIE_NAME": "__Host-remember_token" if production else "remember_token",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * _int("REMEMBER_DAYS", 14),
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 120),
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCKOUT_MINUTES": _int("LOGIN_LOCKOUT_MINUTES", 15),
        "PASSWORD_HASH_METHOD": PASSWORD_HASH_METHOD,
        "PASSWORD_RESET_MINUTES": _int("PASSWORD_RESET_MINUTES", 60),
        # Emailed links that prove an address (services.registration).
        "REGISTRATION_LINK_HOURS": _int("REGISTRATION_LINK_HOURS", 48),
        "INVITATION_LINK_DAYS": _int("INVITATION_LINK_DAYS", 7),
        # At most this many account emails (links, resets) to one address per hour.
        "ACCOUNT_MAILS_PER_HOUR": _int("ACCOUNT_MAILS_PER_HOUR", 5),
        "OUTBOX_MAX_ATTEMPTS": _int("OUTBOX_MAX_ATTEMPTS", 6),
        "WTF_CSRF_TIME_LIMIT": None,
        # Reverse proxies in front of the portal, each adding one X-Forwarded-For entry. 0: the
        # connecting address is the client, and X-Forwarded-* headers are ignored.
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "DEBUG": False,
    }
