"""The landing page after sign-in."""

from portal.home.views import bp

__all__ = ["bp"]
