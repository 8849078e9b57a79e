"""Demo escalations: some open tier-1 and tier-2 demo cases escalated through the real service,
a few of them returned by the supervisor, with reasons and notes in the case's language."""

from __future__ import annotations

import random

from portal.demo import draws
from portal.extensions import db
from portal.models import Case, CaseStatus, Escalation, Role
from portal.models._base import utcnow

ESCALATED_SHARE = 0.15
RETURNED_SHARE = 0.3
ESCALATION_REASONS = {
    "en": "Needs a specialist: the logs show a server-side error",
    "fa": "نیاز به بررسی متخصص: گزارش‌ها خطای سمت سرور نشان می‌دهند",
    "ar": "يحتاج إلى متخصص: السجلات تظهر خطأ في الخادم",
}
ESCALATION_NOTES = {
    "en": "Customer already tried a restart and a new browser.",
    "fa": "مشتری راه‌اندازی دوباره و مرورگر دیگری را امتحان کرده است.",
    "ar": "جرّب العميل إعادة التشغيل ومتصفحاً آخر.",
}
RETURN_GUIDANCE = {
    "en": "This is a known setting: walk the customer through the account page first.",
    "fa": "این یک تنظیم شناخته‌شده است: اول مشتری را در صفحه‌ی حساب راهنمایی کنید.",
    "ar": "هذا إعداد معروف: أرشد العميل عبر صفحة الحساب أولاً.",
}


def seed_escalations(reference: dict, *, seed: int = 2026) -> int:
    """Escalate some open tier-1 and tier-2 demo cases through the real service, and have the
    supervisor return a few (bounce-backs); returns how many were escalated."""
    from portal.domain import escalations

    rng = random.Random(seed)
    supervisor = next(u for u in reference["staff"].values() if u.role is Role.SUPERVISOR)
    candidates = db.session.scalars(
        db.select(Case)
        .where(Case.status.in_((CaseStatus.OPEN, CaseStatus.PENDING)), Case.tier < 3)
        .where(~Case.id.in_(db.select(Escalation.case_id)))
        .order_by(Case.id)
    ).all()
    chosen = [case for case in candidates if rng.random() < ESCALATED_SHARE]
    for case in chosen:
        moment = draws.later(case.updated_at, utcnow(), rng.randint(30, 600))
        escalation = escalations.escalate(
            case,
            by=case.assignee,
            reason=ESCALATION_REASONS[case.language or "en"],
            handoff_note=ESCALATION_NOTES[case.language or "en"],
            version=case.version,
            now=moment,
        )
        if rng.random() < RETURNED_SHARE:
            escalations.return_to_lower_tier(
                escalation,
                by=supervisor,
                guidance=RETURN_GUIDANCE[case.language or "en"],
                now=draws.later(moment, utcnow(), rng.randint(30, 600)),
            )
    return len(chosen)
