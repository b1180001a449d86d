"""Where a catalogue lives and how it is read.

A catalogue is a folder with ``interventions/`` (one YAML file per entry), ``sources/`` (one per
source that entries cite), ``schemas/`` (JSON
Schemas and ``vocabularies/``) and optionally ``catalogue.yaml`` and ``templates/``. jwtool finds
it, in this order: ``--catalogue DIR``, ``$JWTOOL_CATALOGUE``, the nearest parent of the working
directory that has ``interventions/``, and finally the catalogue bundled with the package.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from jwtool.catalogue.files import Outside, confine
from jwtool.catalogue.limits import Limits
from jwtool.catalogue.problems import Problem
from jwtool.labels import Message

ENV_VAR = "JWTOOL_CATALOGUE"
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
BUNDLED = _PACKAGE_DIR / "_catalogue"  # present in wheels (see pyproject.toml)
_SOURCE_TREE = _PACKAGE_DIR.parent.parent  # src/jwtool/../.. in a checkout or editable install


class CatalogueError(Exception):
    """The catalogue cannot be found or used at all (a usage error, exit 2); its argument is a
    :class:`jwtool.labels.Message`."""


def _is_catalogue(path: Path) -> bool:
    return (path / "interventions").is_dir()


def find_root(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    env = os.environ.get(ENV_VAR)
    given = explicit or env
    if given:
        root = Path(given).expanduser()
        if not _is_catalogue(root):
            named = str(root) if explicit else f"${ENV_VAR}={env}"
            if not root.exists():
                raise CatalogueError(Message("error.no_such_catalogue", path=named))
            raise CatalogueError(Message("error.not_a_catalogue", path=named))
        return root.resolve()
    here = (cwd or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _is_catalogue(candidate) and ((candidate / "schemas").is_dir() or (candidate / "catalogue.yaml").is_file()):
            return candidate
    for fallback in (BUNDLED, _SOURCE_TREE):
        if _is_catalogue(fallback):
            return fallback
    raise CatalogueError(Message("error.no_catalogue", var=f"${ENV_VAR}"))


def is_bundled(root: Path) -> bool:
    """Whether ``root`` is the catalogue shipped inside the installed package (never written to)."""
    return root.resolve() == BUNDLED.resolve()


@dataclass(frozen=True)
class Layout:
    """The folders of one catalogue; schemas and templates fall back to the bundled ones."""

    root: Path

    @property
    def interventions(self) -> Path:
        return self.root / "interventions"

    @property
    def schemas(self) -> Path:
        return _first_folder("schemas", self.root)

    @property
    def vocabularies(self) -> Path:
        return self.schemas / "vocabularies"

    @property
    def templates(self) -> Path:
        return _first_folder("templates", self.root)

    @property
    def sources(self) -> Path:
        """One YAML file per source (report, evaluation, factsheet, website) that entries cite."""
        return self.root / "sources"

    @property
    def meta_file(self) -> Path:
        return self.root / "catalogue.yaml"

    def rel(self, path: Path) -> str:
        """Path relative to the catalogue root, as problems show it: a symbolic link by its own
        name (the file a reviewer sees), not by the file it leads to."""
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root)).as_posix()
        except ValueError:  # reached another way (a linked folder, a path through a link to the root)
            pass
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):  # outside, or a link that cannot be followed (a loop)
            return path.as_posix()

    def base_of(self, path: Path) -> Path:
        """What ``path`` must stay inside (:func:`confine`): the catalogue, or for the schemas and
        templates that fall back to jwtool's own, the folder they come from."""
        for base in (self.root, BUNDLED, _SOURCE_TREE):
            if Path(os.path.abspath(path)).is_relative_to(os.path.abspath(base)):
                return base
        return self.root

    def confine(self, path: Path) -> Path:
        """``path`` resolved, or :class:`Outside` if a symbolic link takes it out of its catalogue."""
        return confine(path, self.base_of(path))

    def read_json(self, path: Path, limits: Limits = Limits()) -> object:
        """One JSON file of the catalogue (a schema), confined and size-bounded like YAML files;
        :class:`Outside`, OSError or ValueError (also for nesting too deep to parse)."""
        self.confine(path)
        with open(path, "rb") as fh:
            raw = fh.read(limits.max_file_size + 1)
        if len(raw) > limits.max_file_size:
            raise ValueError(Message("problem.file_size.growing", limit=limits.max_file_size))
        try:
            return json.loads(raw.decode("utf-8"))
        except RecursionError:
            raise ValueError(Message("problem.too_deep")) from None

    def protected(self) -> list[Path]:
        """Folders that jwtool never writes output into."""
        return [self.interventions.resolve(), self.sources.resolve(), (self.root / "schemas").resolve(), (self.root / "templates").resolve()]


def _first_folder(name: str, root: Path) -> Path:
    """The catalogue's own folder ``name``, else jwtool's (bundled, or in a source checkout)."""
    for base in (root, BUNDLED, _SOURCE_TREE):
        if (base / name).is_dir():
            return base / name
    return BUNDLED / name


_SPACE = re.compile(r"\s")


def _name_problems(rel: str, name: str) -> list[Problem]:
    stem = name.rsplit(".", 1)[0]
    if _SPACE.search(name):
        return [Problem(rel, 1, 1, "file-name", Message("problem.file_name.spaces", name=repr(name), example=repr(stem.replace(" ", "-").lower())))]
    if not name.isascii():
        ascii_name = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
        return [Problem(rel, 1, 1, "file-name", Message("problem.file_name.ascii", name=repr(name), example=repr(ascii_name)))]
    if name.endswith(".yml"):
        return [Problem(rel, 1, 1, "file-name", Message("problem.file_name.yml"))]
    return []


def _is_file(entry: os.DirEntry[str]) -> bool:
    """``entry.is_file()``, False where it cannot be told (a symbolic link loop raises ELOOP)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _folder_outside(layout: Layout, folder: Path) -> list[Problem]:
    """The problem of a folder that a symbolic link takes out of the catalogue, or that loops."""
    try:
        layout.confine(folder)
    except Outside as exc:
        return [Problem(layout.rel(folder), 1, 1, exc.rule, Message("problem.folder_loop") if exc.rule == "unreadable" else exc.message)]
    return []


def links_out(layout: Layout, folder: Path) -> list[Problem]:
    """A problem for every symbolic link in the templates ``folder`` that leaves it or loops (and
    for the folder itself, if it leaves the catalogue): ``validate`` names what a render refuses
    (:func:`jwtool.render.environment.confined`, the same rule)."""
    problems = _folder_outside(layout, folder)
    if problems:
        return problems
    for top, dirs, names in os.walk(folder):
        for path in (Path(top) / n for n in sorted(dirs + names)):
            if path.is_symlink():
                try:
                    confine(path, folder, templates=True)
                except Outside as exc:
                    problems.append(Problem(layout.rel(path), 1, 1, exc.rule, exc.message))
    return problems


def discover(layout: Layout, paths: list[Path] | None = None) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Entry files to read (sorted by path) and problems with file names or symlinks; one
    ``os.scandir`` per folder, and only symbolic links are resolved."""
    problems: list[Problem] = []
    found: dict[str, tuple[Path, str, bool, bool]] = {}  # key → (path, rel, is_symlink, is_file)
    for base in paths if paths is not None else [layout.interventions]:
        if base.is_dir():
            outside = _folder_outside(layout, base)  # the folder itself may be the link that leaves the catalogue
            if outside:
                problems += outside
                continue
            prefix = layout.rel(base)
            with os.scandir(base) as it:
                for d in it:
                    if d.name.endswith((".yaml", ".yml")) and not d.name.startswith("."):
                        found[d.path] = (Path(d.path), f"{prefix}/{d.name}" if prefix != "." else d.name, d.is_symlink(), _is_file(d))
        else:
            found[str(base)] = (base, layout.rel(base), base.is_symlink(), base.is_file())
    files: list[tuple[Path, str]] = []
    for key in sorted(found):
        path, rel, link, is_file = found[key]
        if link:
            try:
                layout.confine(path)
            except Outside as exc:
                problems.append(Problem(rel, 1, 1, exc.rule, exc.message))
                continue
        if not is_file:
            problems.append(Problem(rel, 1, 1, "unreadable", Message("problem.not_a_file")))
            continue
        problems += _name_problems(rel, path.name)
        files.append((path, rel))
    return files, problems


# What a PATH named to validate may be: the catalogue itself, or a file or folder of its entries,
# sources, schemas or catalogue.yaml. Anything else (a file elsewhere, another catalogue's entry,
# docs/) would be checked by nothing, and "ok" would be a lie, so it is a CatalogueError.
_PARTS = ("interventions", "sources", "schemas", "catalogue.yaml")


def named_paths(paths: list[Path], base: Path) -> list[Path] | None:
    """The files and folders of the catalogue in ``base`` that ``paths`` name (absolute), or None:
    the whole catalogue (no path, or one that every entry depends on)."""
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise CatalogueError(Message("cli.validate.missing", paths=", ".join(missing)))
    for p in paths:
        if not _in_catalogue(p, base):
            raise CatalogueError(_not_in_catalogue(p, base))
    return [p.absolute() for p in paths] if paths and not any(_whole_catalogue(p, base) for p in paths) else None


def _spellings(path: Path) -> list[Path]:
    """``path`` as given (made absolute, ``..`` folded) and with its links resolved."""
    try:
        return [Path(os.path.abspath(path)), path.resolve()]
    except (OSError, RuntimeError):
        return [Path(os.path.abspath(path))]


def _whole_catalogue(path: Path, base: Path) -> bool:
    """The catalogue, its interventions/ folder, or a file every entry depends on (a source, a
    schema or vocabulary, catalogue.yaml): checking it means checking the whole catalogue."""
    return any(p in (b, b / "interventions") or any(p.is_relative_to(b / part) for part in _PARTS[1:])
               for p in _spellings(path) for b in _spellings(base))


def _in_catalogue(path: Path, base: Path) -> bool:
    return any(p == b or any(p.is_relative_to(b / part) for part in _PARTS)
               for p in _spellings(path) for b in _spellings(base))


def _not_in_catalogue(path: Path, base: Path) -> Message:
    """The error for a PATH outside the catalogue, naming the catalogue it belongs to when it sits
    in another catalogue's interventions/ or sources/ folder."""
    here = Path(os.path.abspath(path))
    for folder in (here, *here.parents):
        if folder.name in ("interventions", "sources") and (folder.parent / "interventions").is_dir():
            return Message("cli.validate.other_catalogue", path=str(path), catalogue=str(base), other=os.path.relpath(folder.parent))
    return Message("cli.validate.outside", path=str(path), catalogue=str(base))
