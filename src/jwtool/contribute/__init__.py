"""Contributing: the scaffold of a new entry, the diff of two revisions, and git."""
