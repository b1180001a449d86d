"""Questions to the catalogue: filters, references, text search, comparison, and their rows and cards."""
