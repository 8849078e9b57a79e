"""The CRM core: accounts, contacts and their roles, contact import, duplicates and merges."""

from portal.domain.crm.account_lookup import account_label, find_account
from portal.domain.crm.duplicates import likely_duplicates
from portal.domain.crm.edits import create_account, create_contact, update_account, update_contact
from portal.domain.crm.field_values import DEFAULT_ENTITLEMENT, CrmError, entitlements
from portal.domain.crm.imports import contacts_cli, import_contacts
from portal.domain.crm.listings import list_accounts, list_contacts
from portal.domain.crm.merge import MergeRefused, merge_contacts, merges_of, undo_merge
from portal.domain.crm.merge_preview import preview_merge
from portal.domain.crm.three_sixty import account_360, contact_360

__all__ = [
    "DEFAULT_ENTITLEMENT",
    "CrmError",
    "MergeRefused",
    "account_360",
    "account_label",
    "contact_360",
    "contacts_cli",
    "create_account",
    "create_contact",
    "entitlements",
    "find_account",
    "import_contacts",
    "likely_duplicates",
    "list_accounts",
    "list_contacts",
    "merge_contacts",
    "merges_of",
    "preview_merge",
    "undo_merge",
    "update_account",
    "update_contact",
]
