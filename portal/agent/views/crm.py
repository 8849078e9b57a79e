"""Account and Contact 360 views (being written)."""
