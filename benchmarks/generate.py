"""Generate a realistic synthetic catalogue of any size, valid against the schema and vocabularies.

Entries are recombined from the real catalogue (Dutch text, real field shapes) with varied
optional fields, so parsing, validation, search, map and render see what they would see on a
national catalogue. Deterministic: the same size and seed give the same files.

    python benchmarks/generate.py 10000 /tmp/cat10k
"""

from __future__ import annotations

import argparse
import functools
import random
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
MODELINE = "# yaml-language-server: $schema=../schemas/intervention.schema.json\n"


def _real_entries() -> list[dict]:  # type: ignore[type-arg]
    out = []
    for path in sorted((REPO / "interventions").glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            out.append(yaml.safe_load(fh))
    return out


def _vocab_ids(name: str) -> list[str]:
    with (REPO / "schemas" / "vocabularies" / f"{name}.yaml").open(encoding="utf-8") as fh:
        return [t["id"] for t in yaml.safe_load(fh)["terms"]]


@functools.cache
def _levels() -> list:  # type: ignore[type-arg]
    from jwtool.catalogue.vocabularies import Vocabulary

    with (REPO / "schemas" / "vocabularies" / "evidence-levels.yaml").open(encoding="utf-8") as fh:
        return Vocabulary.from_data("evidence-levels", yaml.safe_load(fh)).ordered()


@functools.cache
def _implies() -> dict[str, str]:
    """Study design -> the yes/no field of evidence it makes true (``implies`` in study-designs.yaml)."""
    with (REPO / "schemas" / "vocabularies" / "study-designs.yaml").open(encoding="utf-8") as fh:
        return {t["id"]: t["implies"] for t in yaml.safe_load(fh)["terms"] if t.get("implies")}


def _implied(studies: list[dict]) -> set[str]:  # type: ignore[type-arg]
    return {_implies()[d] for s in studies for d in s.get("designs", []) if d in _implies()}


def _carried(studies: list[dict]) -> list[str]:  # type: ignore[type-arg]
    """The evidence levels that ``studies`` carry: every level whose criteria (evidence-levels.yaml) they meet."""
    from jwtool.validate.studies import counts_for

    return [t.id for t in _levels() if t.criteria is None or sum(counts_for(s, t.criteria) for s in studies) >= t.criteria.studies]


def synthetic_entry(i: int, rng: random.Random, pool: list[dict], vocab: dict[str, list[str]]) -> dict:  # type: ignore[type-arg]
    base = rng.choice(pool)
    donor = rng.choice(pool)
    e: dict = {}  # type: ignore[type-arg]
    e["id"] = f"synthetisch-{i:05d}"
    e["name"] = f"{base['name']} (variant {i})"
    e["aliases"] = [f"Variant {i} van {donor['name']}"]
    e["kind"] = rng.choice(["interventie", "praktijkvoorbeeld"])
    e["summary"] = base["summary"]
    if "providers" in base:
        e["providers"] = base["providers"]
    if rng.random() < 0.6:
        e["region"] = {"scope": rng.choice(["landelijk", "regionaal", "lokaal"]), "names": [rng.choice(["Achterhoek", "Drechtsteden", "Leiden", "Rotterdam-Zuid", "Groot-Amsterdam", "Twente"])]}
    e["phases"] = sorted(rng.sample(vocab["phases"], rng.randint(1, 3)))
    tg = dict(base["target_group"])
    tg["education_levels"] = sorted(rng.sample(vocab["education-levels"], rng.randint(1, 3)))
    if rng.random() < 0.7:
        lo = rng.randint(12, 20)
        tg["age"] = {"min": lo, "max": lo + rng.randint(0, 12)}
    if rng.random() < 0.5:
        tg["characteristics"] = sorted(rng.sample(vocab["target-characteristics"], rng.randint(1, 2)))
    e["target_group"] = tg
    if "goals" in donor:
        goals = dict(donor["goals"])
        goals["tags"] = sorted(rng.sample(vocab["goal-tags"], rng.randint(1, 2)))
        e["goals"] = goals
    for k in ("components", "activities", "course", "results"):
        src = base if rng.random() < 0.5 else donor
        if k in src:
            e[k] = src[k]
    ev = dict(donor["evidence"])
    ev.pop("studies", None)
    e["evidence"] = ev
    els = rng.sample(vocab["working-elements"], rng.randint(1, 6))
    e["working_elements"] = [{"text": el.replace("-", " ").capitalize(), "elements": [el]} for el in els]
    # Synthetic entries cite the report by section only (its tables have the 18 real rows) and
    # the base entry's other sources (which its studies cite too).
    report = base["cites"][0]
    e["cites"] = [{"source": report["source"], "sections": list(report.get("sections") or ["bijlage 2"])}] + base["cites"][1:]
    if "studies" in base.get("evidence", {}):  # the base's studies, with ids unique to this entry and no table rows
        e["evidence"]["studies"] = [{**s, "id": f"{e['id']}-{k + 1}", "cites": [{x: v for x, v in c.items() if x != "rows"} for c in s["cites"]]}
                                    for k, s in enumerate(base["evidence"]["studies"])]
    # a level its studies carry (as in a reviewed catalogue), by the ladder's criteria in evidence-levels.yaml
    e["evidence"]["level"] = rng.choice(_carried(e["evidence"].get("studies", [])))
    for flag in _implied(e["evidence"].get("studies", [])):  # and the yes/no fields its studies' designs make true
        e["evidence"][flag] = True
    if "notes" in base and rng.random() < 0.3:
        e["notes"] = base["notes"]
    e["last_reviewed"] = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
    return e


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)


def generate(n: int, out: Path, seed: int = 20231) -> Path:
    if out.exists():
        shutil.rmtree(out)
    (out / "interventions").mkdir(parents=True)
    shutil.copytree(REPO / "schemas", out / "schemas", ignore=shutil.ignore_patterns("_proposals"))
    shutil.copy(REPO / "catalogue.yaml", out / "catalogue.yaml")
    shutil.copytree(REPO / "sources", out / "sources")
    for path in (out / "sources").glob("*.yaml"):  # no rows to claim: synthetic entries are no table rows
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if record.pop("tables", None) is not None:
            path.write_text(yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    rng = random.Random(seed)
    pool = _real_entries()
    vocab = {name: _vocab_ids(name) for name in ("phases", "education-levels", "target-characteristics", "goal-tags", "evidence-levels", "working-elements")}
    for i in range(n):
        entry = synthetic_entry(i, rng, pool, vocab)
        text = MODELINE + yaml.dump(entry, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
        (out / "interventions" / f"{entry['id']}.yaml").write_text(text, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=20231)
    args = parser.parse_args(argv)
    generate(args.size, args.out, args.seed)
    print(f"wrote {args.size} entries to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
