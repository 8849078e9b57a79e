"""The vocabulary every area shares, defined once: errors, labels, pagination, links, audit
records, staff notifications and the lookups pages need. No request, session or templates."""
