"""Validation: the entry rules, the catalogue's JSON Schema under safe rules, and the problems found."""
