"""Showing results to people: escaping, the Jinja2 environment, rows and cards for the terminal,
the appendix, the overview site, Word, and writing files safely."""
