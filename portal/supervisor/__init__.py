"""The supervisor console under /supervisor: the escalation inbox."""

from portal.supervisor.views import bp

__all__ = ["bp"]
