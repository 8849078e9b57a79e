"""A merge that moves a login shows who made it, when, and how its address was proven; a
login whose address is not confirmed is never moved (issue 13, item 1)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.domain.crm import merge as contact_merge
from portal.domain.crm.merge import MergeRefused
from portal.models import AddressProof, Case, Contact, ContactMerge, Role, User
from tests import factories


def preview_page(client, survivor, duplicate):
    return client.get(
        "/agent/contacts/merge",
        query_string={"survivor": survivor.id, "duplicate": duplicate.id},
    )


def test_the_preview_shows_each_logins_maker_date_and_proof(client, login_as, db):
    login_as(Role.SUPERVISOR)
    account = factories.make_account()
    agent = factories.make_user(Role.AGENT, name="Sam Inviter")
    invited = factories.make_user(
        Role.CUSTOMER,
        account=account,
        created_by_id=agent.id,
        created_at=datetime(2026, 3, 2, 9, 15, tzinfo=UTC),
        email_verified_via=AddressProof.INVITATION,
    )
    registered = factories.make_user(
        Role.CUSTOMER, account=account, email_verified_via=AddressProof.REGISTRATION
    )
    db.session.commit()
    page = preview_page(client, invited.contact, registered.contact).get_data(as_text=True)
    assert "Invited by <bdi>Sam Inviter</bdi> · Mar 2, 2026, 9:15" in page
    assert "Confirmed by accepting an invitation" in page
    assert "Self-registered" in page
    assert "Confirmed through the registration link" in page


def test_the_preview_of_an_old_login_says_it_only_counts_as_confirmed(client, login_as, db):
    login_as(Role.SUPERVISOR)
    account = factories.make_account()
    survivor = factories.make_contact(account)
    old = factories.make_user(
        Role.CUSTOMER, account=account, email_verified_via=AddressProof.LEGACY
    )
    db.session.commit()
    response = preview_page(client, survivor, old.contact)
    assert response.status_code == 200
    assert "Counted as confirmed: the login is older than address confirmation" in (
        response.get_data(as_text=True)
    )


@pytest.fixture
def unconfirmed(db):
    """A survivor, and a duplicate whose login's address was never confirmed (it cannot be
    made through the portal any more; data from before, or from a script)."""
    account = factories.make_account()
    survivor = factories.make_contact(account, name="Real Person")
    login = factories.make_user(Role.CUSTOMER, account=account, verified=False)
    case = factories.make_case(login.contact)
    db.session.commit()
    return {"survivor": survivor, "duplicate": login.contact, "login": login, "case": case}


def test_an_unconfirmed_login_is_never_moved_onto_another_contact(
    client, login_as, db, unconfirmed
):
    login_as(Role.SUPERVISOR)
    survivor, duplicate = unconfirmed["survivor"], unconfirmed["duplicate"]
    preview = preview_page(client, survivor, duplicate)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 409
    assert "has not confirmed its email address" in page and "Not confirmed" in page
    assert ">Merge contacts</button>" not in page
    response = client.post(
        "/agent/contacts/merge", data={"survivor": survivor.id, "duplicate": duplicate.id}
    )
    assert response.status_code == 409
    assert "never moved onto another contact" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, unconfirmed["login"].id).contact_id == duplicate.id
    assert db.session.get(Case, unconfirmed["case"].id).requester_id == duplicate.id
    assert db.session.get(Contact, duplicate.id).merged_into_id is None
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactMerge)) == 0


def test_the_service_refuses_it_too(db, unconfirmed):
    supervisor = factories.make_user(Role.SUPERVISOR)
    with pytest.raises(MergeRefused):
        contact_merge.merge_contacts(
            unconfirmed["survivor"], unconfirmed["duplicate"], by=supervisor
        )


def test_nothing_is_moved_onto_the_contact_of_an_unconfirmed_login_either(
    client, login_as, db, unconfirmed
):
    """Keeping the unconfirmed login's contact would show the other contact's cases to
    whoever typed the address: refused the same way."""
    login_as(Role.SUPERVISOR)
    response = preview_page(client, unconfirmed["duplicate"], unconfirmed["survivor"])
    assert response.status_code == 409
    assert "cases are never moved where it would see them" in response.get_data(as_text=True)
