"""Validation: the entry rules, and the catalogue's JSON Schema under safe rules."""
