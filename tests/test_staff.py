"""The one active-staff query (portal/kernel/staff.py): pickers and the supervisors who hear."""

from __future__ import annotations

from portal.kernel.staff import active_staff, supervisors_of
from portal.models import Queue, Role
from tests import factories


def test_active_staff_is_every_active_staff_member_by_name(db):
    zoe = factories.make_user(Role.AGENT, name="Zoe")
    amir = factories.make_user(Role.SUPERVISOR, name="Amir")
    maya = factories.make_user(Role.ADMIN, name="Maya")
    factories.make_user(Role.AGENT, name="Gone", is_active=False)
    factories.make_user(Role.CUSTOMER, name="Customer")

    assert active_staff() == [amir, maya, zoe]
    assert active_staff(Role.MANAGERS) == [amir, maya]


def test_active_staff_in_queues_counts_each_member_once(db):
    first, second, other = factories.make_queue(2), factories.make_queue(2), factories.make_queue(1)
    both = factories.make_user(Role.SUPERVISOR, name="In both")
    elsewhere = factories.make_user(Role.SUPERVISOR, name="Elsewhere")
    agent = factories.make_user(Role.AGENT, name="Agent", max_tier=2)
    factories.join_queue(both, first)
    factories.join_queue(both, second)
    factories.join_queue(elsewhere, other)
    factories.join_queue(agent, first, as_agent=True)

    assert active_staff((Role.SUPERVISOR,), in_queues=Queue.tier == 2) == [both]
    assert active_staff(in_queues=Queue.id == first.id) == [agent, both]


def test_supervisors_of_a_queue_without_any_are_every_active_supervisor(db):
    staffed, unstaffed = factories.make_queue(1), factories.make_queue(1)
    member = factories.make_user(Role.SUPERVISOR, name="Member")
    outsider = factories.make_user(Role.SUPERVISOR, name="Outsider")
    factories.make_user(Role.SUPERVISOR, name="Retired", is_active=False)
    factories.join_queue(member, staffed)

    assert supervisors_of(Queue.id == staffed.id) == [member]
    assert supervisors_of(Queue.id == unstaffed.id) == [member, outsider]
    assert supervisors_of() == [member, outsider]
