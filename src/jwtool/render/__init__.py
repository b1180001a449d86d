"""Documents: escaping, the Jinja2 environment, field wording, the appendix, the overview, Word, exports
and writing files safely."""
