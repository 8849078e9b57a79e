"""The agent workspace under /agent."""

from portal.agent.views import bp

__all__ = ["bp"]
