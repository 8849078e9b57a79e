"""Demo data for `flask seed-demo`: accounts, contacts, tiered queues, SLA policies, one user
per role and a few hundred cases in English, Persian and Arabic over the last 90 days.

Idempotent: records are looked up by their natural keys first, and cases are only added
until the demo count is reached.
"""

from portal.demo.cases import DEMO_CASE_COUNT, seed_cases
from portal.demo.escalations import seed_escalations
from portal.demo.feedback import seed_feedback
from portal.demo.reference_data import CUSTOMERS, SLA_TARGETS, STAFF, seed_reference_data

__all__ = [
    "CUSTOMERS",
    "DEMO_CASE_COUNT",
    "SLA_TARGETS",
    "STAFF",
    "seed_cases",
    "seed_escalations",
    "seed_feedback",
    "seed_reference_data",
]
