"""Questions to the catalogue: filters, references, text search, comparison, and the export of
entries as JSON, JSON lines or CSV."""
