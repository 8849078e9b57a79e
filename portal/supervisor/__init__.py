"""The supervisor console under /supervisor: escalations, dashboard, goals and reports."""

from portal.supervisor.views import bp

__all__ = ["bp"]
