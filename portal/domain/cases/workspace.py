"""What the agent's case page shows besides its forms, read in one place: the timeline, files,
linked cases, macros, following and the SLA clocks, each through the reader's authz filters.
The view adds its forms (and the escalation card, `escalations.escalation_card`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal import authz
from portal.domain import sla
from portal.domain.cases import followers, links, lists, macros
from portal.extensions import db
from portal.models import Attachment, Case, CaseEvent, Macro, User

CLOCKS = ("first_response", "resolution")


@dataclass(frozen=True)
class Workspace:
    can_work: bool
    following: object
    events: list[CaseEvent]
    files: list[Attachment]
    linked: list[Case]
    macros: list[Macro]
    clocks: dict[str, dict]
    countdown: object


def workspace(case: Case, reader: User, *, now: datetime) -> Workspace:
    policy = sla.policy_for(case)
    return Workspace(
        can_work=authz.can_work_case(reader, case),
        following=followers.following_state(case, reader),
        events=lists.timeline(reader, case),
        files=db.session.scalars(authz.visible_attachments(reader, case)).all(),
        linked=links.linked_cases(case),
        macros=macros.for_case(case, reader),
        clocks={
            which: {
                "state": sla.clock_state(case, now=now, which=which, policy=policy),
                "remaining": sla.remaining_minutes(case, now=now, which=which, policy=policy),
            }
            for which in CLOCKS
        },
        countdown=sla.countdown(case, now=now),
    )
