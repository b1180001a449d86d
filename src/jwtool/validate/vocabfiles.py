"""Vocabulary files: each is checked before any entry, because a broken vocabulary would make
every reference check of the entries meaningless."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jwtool.catalogue.model import as_list
from jwtool.catalogue.problems import Problem
from jwtool.catalogue.text import key
from jwtool.catalogue.vocabularies import did_you_mean
from jwtool.labels import Message

if TYPE_CHECKING:
    from jwtool.catalogue.vocabularies import Vocabulary
    from jwtool.catalogue.yamlfile import YamlFile
    from jwtool.validate.schema import SchemaChecker

RANKED = ("evidence-levels", "study-designs")  # vocabularies that are ladders: every term has a distinct rank


def check_vocabulary(doc: YamlFile, name: str, checker: SchemaChecker | None, others: dict[str, Vocabulary] | None = None) -> list[Problem]:
    """The problems of one vocabulary file: schema, name, duplicate ids, broader terms and
    groups that exist, synonyms that name one term, distinct ranks on a ladder, and study
    designs that exist in the criteria of an evidence level."""
    out = list(doc.problems)
    data = doc.data
    if not isinstance(data, dict):
        return out
    if checker:
        out += [doc.problem(r, m, p, key=k) for r, p, m, k in checker.check(data)]
    if data.get("vocabulary") not in (None, name):
        out.append(doc.problem("vocabulary-file", Message("problem.vocabulary_file.name", name=repr(data.get("vocabulary")), file=f"{name}.yaml"), "/vocabulary"))
    terms = [t for t in as_list(data.get("terms")) if isinstance(t, dict)]
    ids = [t.get("id") for t in terms]
    groups = {g.get("id") for g in as_list(data.get("groups")) if isinstance(g, dict)}
    seen_keys: dict[str, str] = {}
    designs = (others or {}).get("study-designs")
    for i, term in enumerate(terms):
        tid = term.get("id")
        if ids.count(tid) > 1 and ids.index(tid) != i:
            out.append(doc.problem("vocabulary-file", Message("problem.vocabulary_file.twice", id=repr(tid)), f"/terms/{i}/id"))
        if term.get("broader") and term["broader"] not in ids:
            out.append(doc.problem("vocabulary-file", Message("problem.vocabulary_file.broader", id=repr(term["broader"])), f"/terms/{i}/broader"))
        if term.get("group") and term["group"] not in groups:
            out.append(doc.problem("vocabulary-file", Message("problem.vocabulary_file.group", id=repr(term["group"])), f"/terms/{i}/group"))
        criteria = term.get("criteria")
        if isinstance(criteria, dict) and isinstance(criteria.get("designs"), list) and designs is not None and len(designs):
            for j, d in enumerate(criteria["designs"]):
                if isinstance(d, str) and d not in designs:
                    out.append(doc.problem("vocabulary-file", Message("problem.vocabulary_file.design", design=repr(d), hint=did_you_mean(designs.suggest(d))),
                                           f"/terms/{i}/criteria/designs/{j}"))
        if name in RANKED and not isinstance(term.get("rank"), int):
            out.append(doc.problem("vocabulary-file", Message("problem.vocabulary_file.rank", name=name), f"/terms/{i}"))
        for j, syn in enumerate([tid, term.get("label"), *(term.get("synonyms") or [])]):
            if not isinstance(syn, str):
                continue
            k = key(syn)
            if k in seen_keys and seen_keys[k] != tid:
                where = f"/terms/{i}/synonyms/{j - 2}" if j >= 2 else f"/terms/{i}/id"
                out.append(doc.problem("vocabulary-file", Message("problem.vocabulary_file.synonym", name=repr(syn), term=repr(seen_keys[k])), where))
            seen_keys.setdefault(k, str(tid))
    if name in RANKED:
        ranks = [t.get("rank") for t in terms if isinstance(t.get("rank"), int)]
        if len(set(ranks)) != len(ranks):
            out.append(doc.problem("vocabulary-file", Message("problem.vocabulary_file.ranks", name=name), "/terms"))
    return out
