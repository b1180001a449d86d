"""Where a catalogue lives and how it is read.

A catalogue is a folder with ``interventions/`` (one YAML file per entry), ``schemas/`` (JSON
Schemas and ``vocabularies/``) and optionally ``catalogue.yaml`` and ``templates/``. jwtool finds
it, in this order: ``--catalogue DIR``, ``$JWTOOL_CATALOGUE``, the nearest parent of the working
directory that has ``interventions/``, and finally the catalogue bundled with the package.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwtool import cache
from jwtool.limits import Limits
from jwtool.model import Entry, summary_view
from jwtool.vocab import VOCABULARY_NAMES, Vocabulary

if TYPE_CHECKING:
    from jwtool.load import YamlFile
    from jwtool.problems import Problem

ENV_VAR = "JWTOOL_CATALOGUE"
_PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED = _PACKAGE_DIR / "_catalogue"  # present in wheels (see pyproject.toml)
_SOURCE_TREE = _PACKAGE_DIR.parent.parent  # src/jwtool/../.. in a checkout or editable install


class CatalogueError(Exception):
    """The catalogue cannot be found or used at all (a usage error, exit 2)."""


def _is_catalogue(path: Path) -> bool:
    return (path / "interventions").is_dir()


def find_root(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    if explicit:
        root = Path(explicit).expanduser()
        if not _is_catalogue(root):
            raise CatalogueError(f"{root} is not a catalogue: it has no interventions/ folder")
        return root.resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        root = Path(env).expanduser()
        if not _is_catalogue(root):
            raise CatalogueError(f"${ENV_VAR}={env} is not a catalogue: it has no interventions/ folder")
        return root.resolve()
    here = (cwd or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _is_catalogue(candidate) and ((candidate / "schemas").is_dir() or (candidate / "catalogue.yaml").is_file()):
            return candidate
    for fallback in (BUNDLED, _SOURCE_TREE):
        if _is_catalogue(fallback):
            return fallback
    raise CatalogueError(f"no catalogue found: run inside a catalogue, pass --catalogue DIR or set ${ENV_VAR}")


@dataclass(frozen=True)
class Layout:
    """The folders of one catalogue; schemas and templates fall back to the bundled ones."""

    root: Path

    @property
    def interventions(self) -> Path:
        return self.root / "interventions"

    @property
    def schemas(self) -> Path:
        own = self.root / "schemas"
        return own if own.is_dir() else _first_existing("schemas")

    @property
    def vocabularies(self) -> Path:
        return self.schemas / "vocabularies"

    @property
    def templates(self) -> Path:
        own = self.root / "templates"
        return own if own.is_dir() else _first_existing("templates")

    @property
    def meta_file(self) -> Path:
        return self.root / "catalogue.yaml"

    def rel(self, path: Path) -> str:
        """Path relative to the catalogue root, as problems show it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):  # outside, or a link that cannot be followed (a loop)
            try:
                return path.absolute().relative_to(self.root.absolute()).as_posix()
            except ValueError:
                return path.as_posix()

    def protected(self) -> list[Path]:
        """Folders that jwtool never writes output into."""
        return [self.interventions.resolve(), (self.root / "schemas").resolve(), (self.root / "templates").resolve()]

    def protected_files(self) -> list[Path]:
        """Catalogue files that no output may replace."""
        return [self.meta_file.resolve()]


def _first_existing(name: str) -> Path:
    for base in (BUNDLED, _SOURCE_TREE):
        if (base / name).is_dir():
            return base / name
    return BUNDLED / name


_SPACE = re.compile(r"\s")


def _name_problem(rel: str, name: str) -> Problem | None:
    from jwtool.problems import Problem

    stem = name.rsplit(".", 1)[0]
    if _SPACE.search(name):
        return Problem(rel, 1, 1, "file-name", f"file name {name!r} contains spaces; use the entry id, e.g. {stem.replace(' ', '-').lower()!r}.yaml")
    if not name.isascii():
        ascii_name = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
        return Problem(rel, 1, 1, "file-name", f"file name {name!r} contains non-ASCII letters; use the entry id, e.g. {ascii_name!r}.yaml")
    if name.endswith(".yml"):
        return Problem(rel, 1, 1, "file-name", "entry files end in .yaml, not .yml; rename the file")
    return None


def _is_file(entry: os.DirEntry[str]) -> bool:
    """``entry.is_file()``, False where it cannot be told (a symbolic link loop raises ELOOP)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def discover(layout: Layout, paths: list[Path] | None = None) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Entry files to read (sorted by path) and problems with file names or symlinks.

    Uses ``os.scandir`` so that 10,000 files cost one directory read, not 10,000 ``realpath``s;
    only symbolic links are resolved.
    """
    from jwtool.problems import Problem

    problems: list[Problem] = []
    found: dict[str, tuple[Path, str, bool, bool]] = {}  # key → (path, rel, is_symlink, is_file)
    inside = layout.root.resolve()
    for base in paths if paths is not None else [layout.interventions]:
        if base.is_dir():
            prefix = layout.rel(base)
            with os.scandir(base) as it:
                for d in it:
                    if d.name.endswith((".yaml", ".yml")) and not d.name.startswith("."):
                        link = d.is_symlink()
                        found[d.path] = (Path(d.path), f"{prefix}/{d.name}" if prefix != "." else d.name, link, _is_file(d))
        else:
            found[str(base)] = (base, layout.rel(base), base.is_symlink(), base.is_file())
    files: list[tuple[Path, str]] = []
    for key in sorted(found):
        path, rel, link, is_file = found[key]
        if link:
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # a loop: a.yaml -> b.yaml -> a.yaml
                problems.append(Problem(rel, 1, 1, "unreadable", "cannot read file: it is a symbolic link that leads back to itself (a loop); replace it with the file itself"))
                continue
            if not target.is_relative_to(inside):
                problems.append(Problem(rel, 1, 1, "symlink", f"symbolic link points outside the catalogue ({target}); replace it with the file itself"))
                continue
        if not is_file:
            problems.append(Problem(rel, 1, 1, "unreadable", "not a regular file"))
            continue
        name_problem = _name_problem(rel, path.name)
        if name_problem:
            problems.append(name_problem)
        files.append((path, rel))
    return files, problems


def load_vocabularies(layout: Layout, limits: Limits = Limits()) -> tuple[dict[str, Vocabulary], list[YamlFile], list[Problem]]:
    from jwtool.load import read_yaml  # PyYAML only when something is parsed
    from jwtool.problems import Problem

    vocab: dict[str, Vocabulary] = {}
    docs: list[YamlFile] = []
    problems: list[Problem] = []
    for name in VOCABULARY_NAMES:
        path = layout.vocabularies / f"{name}.yaml"
        rel = layout.rel(path)
        if not path.is_file():
            problems.append(Problem(rel, 1, 1, "vocabulary-file", f"vocabulary {name!r} is missing; every catalogue needs schemas/vocabularies/{name}.yaml"))
            vocab[name] = Vocabulary(name=name)
            continue
        doc = read_yaml(path, rel, limits)
        docs.append(doc)
        vocab[name] = Vocabulary.from_data(name, doc.data if isinstance(doc.data, dict) else {})
    return vocab, docs, problems


@dataclass
class Catalogue:
    """Everything the query, graph and render layers need, read once."""

    root: Path
    entries: list[Entry]
    vocab: dict[str, Vocabulary]
    meta: dict[str, Any] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)  # files that could not be read as entries
    summary: bool = False  # entries hold only the fields of jwtool.model.summary_view

    @property
    def layout(self) -> Layout:
        return Layout(self.root)

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def report(self, report_id: str | None = None) -> dict[str, Any]:
        reports = [r for r in self.meta.get("reports") or [] if isinstance(r, dict)]
        for r in reports:
            if report_id is None or r.get("id") == report_id:
                return r
        return {}


def load_catalogue(root: Path, limits: Limits = Limits(), *, use_cache: bool = True, summary: bool = False) -> Catalogue:
    """Read entries, vocabularies and catalogue.yaml; unreadable files are listed in ``broken``.

    Parsed entries come from the catalogue's cache (:mod:`jwtool.cache`) unless ``use_cache``
    is False. ``summary=True`` gives entries without their long verbatim texts
    (:func:`jwtool.model.summary_view`): enough for listing and filtering, and fast.
    """
    from jwtool.load import paused_gc, read_yaml

    layout = Layout(root)
    vocab, _, _ = load_vocabularies(layout, limits)
    files, _ = discover(layout)

    def read(path: Path, rel: str) -> tuple[Any, bool]:
        doc = read_yaml(path, rel, limits)
        return doc.data, doc.data is not None and not doc.problems

    with paused_gc():
        if use_cache:
            with cache.open_cache(root, cache.cache_key(f"max_file_size={limits.max_file_size}")) as stored:
                records = stored.load(files, read, summary=summary)
        else:
            records = [(rel, read(path, rel)) for path, rel in files]
            if summary:
                records = [(rel, (summary_view(d) if isinstance(d, dict) else d, ok)) for rel, (d, ok) in records]
    return _assemble(root, layout, vocab, records, limits, summary=summary)


def read_entry(root: Path, rel: str, limits: Limits = Limits()) -> Entry | None:
    """One entry in full from its file, or None when the file holds no mapping: the full text of
    an entry found among summaries, without loading the whole catalogue."""
    from jwtool.load import read_yaml

    doc = read_yaml(root / rel, rel, limits)
    return Entry(doc.data, rel) if isinstance(doc.data, dict) else None


def _assemble(root: Path, layout: Layout, vocab: dict[str, Vocabulary], records: list[tuple[str, tuple[Any, bool]]], limits: Limits, summary: bool = False) -> Catalogue:
    from jwtool.load import paused_gc, read_yaml

    with paused_gc():
        entries = [Entry(data, rel) for rel, (data, _) in records if isinstance(data, dict)]
        entries.sort(key=Entry.sort_key)
    broken = [rel for rel, (data, clean) in records if not clean]
    meta: dict[str, Any] = {}
    if layout.meta_file.is_file():
        m = read_yaml(layout.meta_file, "catalogue.yaml", limits)
        meta = m.data if isinstance(m.data, dict) else {}
    return Catalogue(root=root, entries=entries, vocab=vocab, meta=meta, broken=broken, summary=summary)
