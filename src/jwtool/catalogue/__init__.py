"""The catalogue: where it lives (layout), how a file is read safely (yamlfile), the entries (model),
the vocabularies, the problems found in a file, the cache of parsed entries, and reading it all at once (load)."""
