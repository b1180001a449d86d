"""Benchmark jwtool side by side with its floors and with check-jsonschema; write RESULTS.md.

Every figure is a whole-process wall time (what a user waits for), the median of several runs
with min–max, measured in one run on one machine so the ratios are fair. Peak memory is the
child's maximum resident set size.

    python benchmarks/run.py                 # 1,000, 2,000, 5,000 and 10,000 entries, 5 runs each
    python benchmarks/run.py --sizes 50 --runs 1 --out /tmp/r.md   # a smoke run (the test suite)
"""

from __future__ import annotations

import argparse
import compileall
import functools
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402 - a sibling script, found through sys.path above

BIN = Path(sys.executable).parent
JWTOOL = [str(BIN / "jwtool")] if (BIN / "jwtool").exists() else [sys.executable, "-m", "jwtool"]


@dataclass
class Timing:
    label: str
    runs: list[float] = field(default_factory=list)
    peak_mib: float = 0.0
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    def cell(self) -> str:
        if not self.runs:
            return "n/a"
        return f"{self.median:.3f} s ({min(self.runs):.3f}–{max(self.runs):.3f})"


def measure(label: str, cmd: list[str], runs: int, env: dict[str, str] | None = None, cwd: Path | None = None, ok: tuple[int, ...] = (0, 1),
            before: Callable[[], None] | None = None) -> Timing:
    """Run ``cmd`` ``runs`` times; ``before`` runs ahead of each run, outside the timing."""
    t = Timing(label)
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
        if proc.returncode not in ok:
            raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{stderr[-2000:]}")
        t.runs.append(elapsed)
        t.peak_mib = max(t.peak_mib, usage.ru_maxrss / 1024)
    return t


def measure_together(items: list[tuple[str, list[str], dict[str, str] | None]], runs: int) -> list[Timing]:
    """Measure several commands round-robin (A B C A B C ...), so a ratio between them compares
    runs made under the same conditions: this machine's speed drifts by up to 2× within minutes,
    and measuring all of A before all of B turned that drift into a ratio."""
    timings = [Timing(label) for label, _, _ in items]
    for _ in range(runs):
        for timing, (label, cmd, env) in zip(timings, items):
            one = measure(label, cmd, 1, env)
            timing.runs += one.runs
            timing.peak_mib = max(timing.peak_mib, one.peak_mib)
    return timings


def edit_one(cat: Path) -> None:
    """Change one entry the way a contributor would (here: a comment line), so the next render has
    one entry to render again."""
    first = min((cat / "interventions").glob("*.yaml"))
    with first.open("a", encoding="utf-8") as fh:
        fh.write(f"# bewerkt {time.time_ns()}\n")


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


FLOOR = """
import sys, yaml, pathlib
for p in sorted(pathlib.Path(sys.argv[1]).glob('interventions/*.yaml')):
    with open(p, encoding='utf-8') as fh:
        yaml.load(fh, Loader=yaml.CSafeLoader)
"""

MINIMAL_TYPER = """
import typer
app = typer.Typer()
@app.command()
def noop() -> None:
    pass
@app.command()
def other() -> None:
    pass
app()
"""


# The two ways Python starts jwtool (issue 28): with the bytecode cache that `pip install` and the
# first run write (a user's normal case), and without it, as under PYTHONDONTWRITEBYTECODE=1 (set
# on this project's machines and common in containers and CI): an editable install then compiles
# each of jwtool's modules it imports on every start, while the dependencies keep the bytecode
# their installation wrote.
STARTUP_CASES = {
    "with bytecode cache": "jwtool's modules compiled beforehand (`compileall`), as `pip install` and the first run leave them.",
    "without bytecode cache": "`PYTHONDONTWRITEBYTECODE=1` and no `__pycache__` under `src/`: every start compiles the jwtool modules it imports "
                              "(the dependencies keep their installed bytecode).",
}


def jwtool_commands() -> list[str]:
    """Every command line of jwtool's commands: ``validate``, ..., ``render``, ``render appendix``."""
    sys.path.insert(0, str(REPO / "src"))
    from jwtool.cli import COMMANDS

    lines = []
    for name, target in COMMANDS.items():
        lines.append(name)
        if isinstance(target, dict):  # a group: its subcommands too
            lines += [f"{name} {sub}" for sub in target]
    return lines


STARTUP_ROUNDS = 9


def measure_startup(case: str, typer_py: Path, env: dict[str, str], runs: int) -> list[Timing]:
    """Start-up rows of one case, round-robin with the minimal typer app; each row's note is its
    ratio to the app row it is held against (see :func:`startup_checks`)."""
    if case == "with bytecode cache":
        compileall.compile_dir(str(REPO / "src"), quiet=1)
        case_env: dict[str, str] = {}
    else:
        for cache in (REPO / "src").rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)
        case_env = {"PYTHONDONTWRITEBYTECODE": "1"}
    bundled = {**env, **case_env}
    items: list[tuple[str, list[str], dict[str, str] | None]] = [
        ("python -c pass", [sys.executable, "-c", "pass"], case_env),
        ("minimal typer app: no-op command", [sys.executable, str(typer_py), "noop"], case_env),
        ("minimal typer app: --help", [sys.executable, str(typer_py), "--help"], case_env),
        ("minimal typer app: noop --help", [sys.executable, str(typer_py), "noop", "--help"], case_env),
        ("jwtool --version", [*JWTOOL, "--version"], case_env),
        ("jwtool --help", [*JWTOOL, "--help"], case_env),
        ("jwtool search --target vso (bundled catalogue, cached)", [*JWTOOL, "search", "--target", "vso", "--catalogue", str(REPO)], bundled),
        *[(f"jwtool {name} --help", [*JWTOOL, *name.split(), "--help"], case_env) for name in jwtool_commands()],
        # real runs that do more than start (validate reads and checks every file; map imports
        # networkx and builds the graph), shown beside the start-up rows but not held to them
        ("jwtool validate (bundled catalogue)", [*JWTOOL, "validate", "--catalogue", str(REPO)], bundled),
        ("jwtool map (bundled catalogue)", [*JWTOOL, "map", "--catalogue", str(REPO)], bundled),
    ]
    # a start takes a fifth of a second and varies by a third between runs: at least 9 rounds,
    # so one slow run does not decide a ratio (3 rounds gave 1.49x and 1.08x for one command)
    rows = measure_together(items, max(runs, STARTUP_ROUNDS))
    base = {r.label: r.median for r in rows}
    for r in rows:
        against = startup_baseline(r.label)
        if against:
            r.note = f"{r.median / base[against]:.2f}× ({against.removeprefix('minimal typer app: ')})"
    return rows


def startup_baseline(label: str) -> str | None:
    """The minimal typer app's row a jwtool start-up row is held against: help against help, a
    command against the no-op command."""
    if not label.startswith("jwtool"):
        return None
    if label == "jwtool --help":
        return "minimal typer app: --help"
    if label.endswith(" --help"):
        return "minimal typer app: noop --help"
    return "minimal typer app: no-op command"


def startup_checks(case: str, rows: list[Timing]) -> list[tuple[str, str, bool]]:
    """Issue 28's start-up targets: with the bytecode cache `--help` and `--version` ≤ 1.0× and
    the bundled search ≤ 1.3×; without it no command's start above 1.3×."""
    base = {r.label: r.median for r in rows}
    ratio = {r.label: r.median / base[b] for r in rows if (b := startup_baseline(r.label))}
    if case == "with bytecode cache":
        limits = {"jwtool --help": 1.0, "jwtool --version": 1.0, "jwtool search --target vso (bundled catalogue, cached)": 1.3}
        return [(f"{case}: `{label.split(' (')[0]}` ≤ {limit:.1f}× minimal typer app", f"{ratio[label]:.2f}×", ratio[label] <= limit)
                for label, limit in limits.items()]
    starts = {label: r for label, r in ratio.items() if not label.endswith("(bundled catalogue)")}  # those do a command's work, not only start
    worst = max(starts, key=lambda label: starts[label])
    return [(f"{case}: every command's start ≤ 1.3× minimal typer app (worst: `{worst.split(' (')[0]}`)", f"{starts[worst]:.2f}×",
             starts[worst] <= 1.3)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark jwtool and write a Markdown table.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--work", type=Path, default=None, help="folder for generated catalogues (default: a temporary folder)")
    parser.add_argument("--no-check-jsonschema", action="store_true", help="skip the check-jsonschema comparison")
    parser.add_argument("--startup-only", action="store_true", help="measure only the start-up rows (both cases)")
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="jwtool-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    cache_dir = work / "cache"
    env = {"JWTOOL_CACHE_DIR": str(cache_dir), "NO_COLOR": "1", "COLUMNS": "120"}
    floor_py = work / "floor.py"
    floor_py.write_text(FLOOR, encoding="utf-8")
    typer_py = work / "minimal_typer.py"
    typer_py.write_text(MINIMAL_TYPER, encoding="utf-8")
    check_jsonschema = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    runs = args.runs

    startup = {case: measure_startup(case, typer_py, env, runs) for case in STARTUP_CASES}
    per_size: dict[int, dict[str, Timing]] = {}
    # As `pip install` does: compiled modules, so no run below pays for compiling jwtool (the
    # environment may set PYTHONDONTWRITEBYTECODE, which would otherwise make every run compile it).
    compileall.compile_dir(str(REPO / "src"), quiet=1)
    for n in [] if args.startup_only else args.sizes:
        cat = work / f"cat{n}"
        if not (cat / "interventions").is_dir() or len(os.listdir(cat / "interventions")) != n:
            generate(n, cat)
        t: dict[str, Timing] = {}
        # The commands with a target in seconds first, round-robin; the long CPU-bound runs
        # (validate and its floor, check-jsonschema: minutes at 10,000 entries) after them.
        shutil.rmtree(cache_dir, ignore_errors=True)
        t["search-cold"] = measure("jwtool search --target vso (first run, fills the cache)", [*JWTOOL, "search", "--target", "vso", "--catalogue", str(cat)], 1, env)
        # the one-page overview (the render the targets were set for) and the site (a page per entry)
        render = [*JWTOOL, "render", "overview", "--format", "html", "--catalogue", str(cat), "-o", str(work / f"overview-{n}.html"), "--force"]
        site = [*JWTOOL, "render", "overview", "--format", "html", "--catalogue", str(cat), "-o", str(work / f"site-{n}") + "/", "--force"]
        t["render-cold"] = measure("jwtool render overview --format html -o page.html (first render: fills the cache)", render, 1, env)
        t["search"], t["map"], t["render"] = measure_together([
            ("jwtool search --target vso (repeated, cached)", [*JWTOOL, "search", "--target", "vso", "--catalogue", str(cat)], env),
            ("jwtool map", [*JWTOOL, "map", "--catalogue", str(cat)], env),
            ("jwtool render overview --format html -o page.html (repeated: entries from the cache)", render, env),
        ], runs)
        t["render-edited"] = measure("jwtool render overview --format html -o page.html (repeated, after editing one entry)", render, runs, env, before=functools.partial(edit_one, cat))
        # the site, round-robin with what the file system alone takes to make and remove its
        # folders and files (as the site's own --force run does): the part no rendering change can save
        subprocess.run(site, env={**os.environ, **env}, check=True, capture_output=True)
        copy = f"cp -r {shlex.quote(str(work / f'site-{n}'))} {shlex.quote(str(work / 'site-copy'))} && rm -rf {shlex.quote(str(work / 'site-copy'))}"
        t["site-floor"], t["site"] = measure_together([
            ("floor: the site's folders and files made and removed by the file system (cp -r of the site, rm -rf of the copy)", ["sh", "-c", copy], None),
            ("jwtool render overview --format html -o site/ (the site: a page per entry)", site, env),
        ], runs)
        # every other command that reads every entry in full, once each: peak memory holds for all
        for key, label, cmd in [
            ("export-json", "jwtool export --format json -o FILE", ["export", "--format", "json", "-o", str(work / f"export-{n}.json")]),
            ("export-csv", "jwtool export --format csv -o FILE", ["export", "--format", "csv", "-o", str(work / f"export-{n}.csv")]),
            ("overview-md", "jwtool render overview --format md -o FILE", ["render", "overview", "--format", "md", "-o", str(work / f"overview-{n}.md")]),
            # the report's main source declares no tables in a generated catalogue: a table per kind of the entries citing it
            ("appendix-md", "jwtool render appendix --format md -o FILE", ["render", "appendix", "--format", "md", "-o", str(work / f"appendix-{n}.md")]),
            ("upgrade", "jwtool upgrade (a current catalogue: nothing to do)", ["upgrade"]),
        ]:
            t[key] = measure(label, [*JWTOOL, *cmd, "--catalogue", str(cat), *(["--force"] if "-o" in cmd else [])], 1, env)
        t["search-nocache"] = measure("jwtool search --target vso --no-cache", [*JWTOOL, "--no-cache", "search", "--target", "vso", "--catalogue", str(cat)], max(1, min(runs, 3)), env)
        # validate reads the entries the commands above stored in the cache; --no-cache parses every
        # file, as a first run or one in CI does
        t["floor"], t["validate"], t["validate-nocache"] = measure_together([
            ("floor: CSafeLoader loads every file", [sys.executable, str(floor_py), str(cat)], None),
            ("jwtool validate", [*JWTOOL, "validate", "--catalogue", str(cat)], env),
            ("jwtool validate --no-cache (every file parsed)", [*JWTOOL, "--no-cache", "validate", "--catalogue", str(cat)], env),
        ], runs)
        if check_jsonschema and not args.no_check_jsonschema:
            files = sorted(str(p) for p in (cat / "interventions").glob("*.yaml"))
            t["check-jsonschema"] = measure("check-jsonschema (same files, same schema)", [check_jsonschema, "--schemafile", str(cat / "schemas" / "intervention.schema.json"), *files], max(1, min(runs, 2)))
        per_size[n] = t

    lines = ["# Benchmark results", ""]
    lines.append(f"Machine: {cpu_name()}, {os.cpu_count()} cores; Python {platform.python_version()}; {platform.system()} {platform.release()}.")
    lines.append(f"Whole-process wall time, median of {runs} runs (the start-up rows: {max(runs, STARTUP_ROUNDS)} rounds) (min–max); peak memory is the largest resident set of a run's processes (a site's worker processes each count on their own).")
    lines.append("Commands compared in a target are measured round-robin (the start-up rows; the floor and validate; search, map and")
    lines.append("render), the commands with a target in seconds before the long CPU-bound runs of each size.")
    lines.append("Catalogues generated by `benchmarks/generate.py` (entries recombined from the real catalogue).")
    lines.append("Reproduce: `make bench` (or `python benchmarks/run.py`).")
    for case, rows in startup.items():
        lines += ["", f"## Start-up, {case}", "", STARTUP_CASES[case], "", "| command | time | × minimal typer app | peak memory |", "|---|---|---|---|"]
        for r in rows:
            lines.append(f"| {r.label} | {r.cell()} | {r.note} | {r.peak_mib:.0f} MiB |")
    shown = ("floor", "validate", "validate-nocache", "check-jsonschema", "search-cold", "search", "search-nocache", "map", "render-cold", "render", "render-edited", "site-floor", "site",
             "export-json", "export-csv", "overview-md", "appendix-md", "upgrade")
    for n, t in per_size.items():
        size_mb = sum(p.stat().st_size for p in (work / f"cat{n}" / "interventions").iterdir()) / 1e6
        lines += ["", f"## {n:,} entries ({size_mb:.1f} MB of YAML)", "", "| command | time | peak memory |", "|---|---|---|"]
        for r in [t[k] for k in shown if k in t]:
            lines.append(f"| {r.label} | {r.cell()} | {r.peak_mib:.0f} MiB |")
    if len(per_size) >= 2:
        sizes = sorted(per_size)
        lines += ["", "## Growth", "", f"Median time at each size, and in brackets time(n) / time({sizes[0]:,}); peak memory at each size.", "",
                  "| command | " + " | ".join(f"{n:,}" for n in sizes) + " | peak memory |", "|---|" + "---|" * (len(sizes) + 1)]
        for key in shown:
            if all(key in per_size[n] for n in sizes):
                first = per_size[sizes[0]][key].median
                times = " | ".join(f"{per_size[n][key].median:.2f} s ({per_size[n][key].median / first:.1f}×)" for n in sizes)
                lines.append(f"| {per_size[sizes[0]][key].label} | {times} | {' / '.join(f'{per_size[n][key].peak_mib:.0f}' for n in sizes)} MiB |")

    checks: list[tuple[str, str, bool]] = []
    for case, rows in startup.items():
        checks += startup_checks(case, rows)
    if per_size:
        big = max(per_size)
        tb = per_size[big]
        if "check-jsonschema" in tb:
            ratio = tb["check-jsonschema"].median / tb["validate"].median
            checks.append((f"validate at {big:,}: ≥ 10× faster than check-jsonschema", f"{ratio:.1f}×", ratio >= 10))
        ratio = tb["validate"].median / tb["floor"].median
        uncached = tb["validate-nocache"].median / tb["floor"].median
        checks.append((f"validate at {big:,}: ≤ 1.5× the CSafeLoader floor", f"{ratio:.2f}× (`--no-cache`: {uncached:.2f}×)", ratio <= 1.5))
        small = min(per_size)
        ts = per_size[small]
        checks.append((f"repeated `search --target vso` at {small:,}: ≤ 0.3 s", f"{ts['search'].median:.3f} s", ts["search"].median <= 0.3))
        checks.append((f"repeated `render overview --format html -o page.html` at {small:,}: ≤ 2.5 s", f"{ts['render'].median:.3f} s", ts["render"].median <= 2.5))
        checks.append((f"repeated `search --target vso` at {big:,}: ≤ 1.0 s", f"{tb['search'].median:.3f} s", tb["search"].median <= 1.0))
        peak = max(r.peak_mib for r in tb.values() if not r.label.startswith(("check-jsonschema", "floor")))
        worst = max((r for r in tb.values() if not r.label.startswith(("check-jsonschema", "floor"))), key=lambda r: r.peak_mib)
        checks.append((f"peak memory of every jwtool command at {big:,}: < 250 MiB (largest: `{worst.label.split(' (')[0]}`)", f"{peak:.0f} MiB", peak < 250))
        checks.append((f"the site at {big:,}: ≤ 10 s", f"{tb['site'].median:.1f} s (file system floor {tb['site-floor'].median:.1f} s)", tb["site"].median <= 10))
        if len(per_size) >= 2:
            for key in ("validate", "search", "map", "render", "site"):
                g = per_size[big][key].median / per_size[small][key].median
                checks.append((f"linear growth of `{key}`: time({big:,}) / time({small:,}) ≤ {big / small * 1.1:.0f}", f"{g:.1f}", g <= big / small * 1.1))
    lines += ["", "## Targets (issues 16 and 28)", "", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if met else '**no**'} |" for name, value, met in checks]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
