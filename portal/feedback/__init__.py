"""Voice of the customer: CSAT and NPS surveys, feedback items and the VoC dashboard."""

from portal.feedback.views import bp

__all__ = ["bp"]
