"""Demo satisfaction answers (CSAT for about two thirds of the resolved cases, some NPS), so
that the VoC dashboard has something to show."""

from __future__ import annotations

import random
from datetime import timedelta

from portal.demo import draws
from portal.extensions import db
from portal.models import Case, CaseStatus, Feedback, FeedbackKind, FeedbackStatus, Sentiment
from portal.models._base import utcnow

CSAT_WEIGHTS = {5: 45, 4: 25, 3: 12, 2: 10, 1: 8}
NPS_WEIGHTS = {10: 18, 9: 20, 8: 16, 7: 14, 6: 10, 5: 8, 4: 5, 3: 4, 2: 2, 1: 2, 0: 1}


def seed_feedback(*, seed: int = 2026) -> int:
    """Satisfaction answers for about two thirds of the resolved demo cases, and some NPS
    answers, so the VoC dashboard has something to show; skipped once any feedback exists."""
    if db.session.scalar(db.select(db.func.count()).select_from(Feedback)):
        return 0
    rng = random.Random(seed)
    done = db.session.scalars(db.select(Case).where(Case.status.in_(CaseStatus.DONE))).all()
    added = 0
    for case in done:
        if rng.random() > 0.65 or case.resolved_at is None:
            continue
        score = draws.weighted(rng, CSAT_WEIGHTS)
        answered = min(case.resolved_at + timedelta(hours=rng.randint(1, 72)), utcnow())
        db.session.add(
            Feedback(
                kind=FeedbackKind.CSAT,
                score=score,
                case_id=case.id,
                contact_id=case.requester_id,
                account_id=case.account_id,
                agent_id=case.assignee_id,
                queue_id=case.queue_id,
                tier=case.tier,
                sentiment=_sentiment(score),
                status=FeedbackStatus.NEW if score <= 2 else FeedbackStatus.CLOSED,
                due_at=answered + timedelta(days=2) if score <= 2 else None,
                created_at=answered,
                updated_at=answered,
            )
        )
        added += 1
        if rng.random() < 0.3:
            nps = draws.weighted(rng, NPS_WEIGHTS)
            db.session.add(
                Feedback(
                    kind=FeedbackKind.NPS,
                    score=nps,
                    contact_id=case.requester_id,
                    account_id=case.account_id,
                    status=FeedbackStatus.NEW if nps <= 6 else FeedbackStatus.CLOSED,
                    created_at=answered,
                    updated_at=answered,
                )
            )
            added += 1
    return added


def _sentiment(csat: int) -> Sentiment:
    if csat <= 2:
        return Sentiment.NEGATIVE
    return Sentiment.POSITIVE if csat >= 4 else Sentiment.NEUTRAL
