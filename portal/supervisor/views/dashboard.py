"""Placeholder: the dashboard pages (being written)."""
