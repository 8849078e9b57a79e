"""Sign-in, registration, password reset, profile and language choice."""

from portal.auth.views import bp

__all__ = ["bp"]
