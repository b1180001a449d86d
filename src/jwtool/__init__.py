"""jwtool: a reviewable catalogue of interventions against youth unemployment.

The library is organised as a pipeline: ``load`` (YAML → entries with source positions) →
``validate`` (rules → problems) → ``query`` (filters, search, compare) → ``graph`` (networkx
map) → ``render``/``export``. The ``cli`` package only wires options to these functions.
"""

__version__ = "0.1.0"
