"""The customer self-service portal under /my."""

from portal.customer.views import bp

__all__ = ["bp"]
