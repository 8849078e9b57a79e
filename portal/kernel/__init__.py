"""The vocabulary every area shares, defined once: errors, labels, pagination, links, audit
records, staff notifications, the active-staff query and the lookups pages need. No request,
session or templates."""
