"""What git knows about the catalogue: changed files, files at a revision, an entry's history.

git runs from an argument list (never a shell) with the repository's own commands switched off
(see _SAFE_ENV); a revision may not start with '-' (it would read as an option); every failure
is a :class:`GitError` with a message for people.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from jwtool.labels import Message

ENTRY_SUFFIXES = (".yaml", ".yml")
WORKING_TREE = "working tree"


class GitError(Exception):
    """git is missing, the folder is not a repository, or a revision does not exist (the
    argument: a :class:`jwtool.labels.Message`)."""


# A repository is input too: a clone of a pull request, or a catalogue from a stranger, brings its
# own .git/config, and git runs commands that config names (core.fsmonitor, filter.X.clean,
# diff.X.textconv, diff.external, gpg.program for log.showSignature, hooks). Every git call goes
# through _git, which switches each of them off; system and global config are not read at all.
_SAFE_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_PAGER": "cat", "PAGER": "cat",
             "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
_SAFE_CONFIG = ("core.fsmonitor=false", "core.hooksPath=/dev/null", "core.quotePath=false", "core.pager=cat",
                "diff.external=", "log.showSignature=false", "core.untrackedCache=false")
_DIFFING = {"diff", "log", "show"}  # subcommands that could run an external diff or a textconv driver


def _run(root: Path, args: list[str], input_bytes: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_EXTERNAL_DIFF", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT")}
    try:
        return subprocess.run(["git", "-C", str(root), *(a for c in _SAFE_CONFIG for a in ("-c", c)), *args],
                              input=input_bytes, capture_output=True, check=False, env={**env, **_SAFE_ENV})
    except FileNotFoundError:
        raise GitError(Message("error.git.missing")) from None


def _no_filters(root: Path) -> list[str]:
    """``-c`` options that empty every filter driver the repository configures: a clean filter
    runs whenever git reads a changed file of the work tree (git diff), and no general switch
    turns them off; a driver left ``required`` would make git fail instead."""
    proc = _run(root, ["config", "-z", "--name-only", "--get-regexp", r"^filter\."])
    names = {key.split(".", 1)[1].rsplit(".", 1)[0] for key in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if key.count(".") >= 2}
    return [a for name in sorted(names) for setting in ("clean", "smudge", "process", "required=false")
            for a in ("-c", f"filter.{name}.{setting}" + ("" if "=" in setting else "="))]


def _git(root: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    """Run ``git ARGS`` in ``root`` with nothing the repository configures able to run a command."""
    extra = ["--no-ext-diff", "--no-textconv"] if args and args[0] in _DIFFING else []
    proc = _run(root, [*_no_filters(root), *args[:1], *extra, *args[1:]], input_bytes)
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in message:
            raise GitError(Message("error.git.no_repository", path=str(root)))
        raise GitError(Message("error.git.failed", command=args[0], detail=message.splitlines()[-1] if message else f"exit code {proc.returncode}"))
    return proc.stdout


def check_repo(root: Path) -> None:
    _git(root, "rev-parse", "--git-dir")


UNSHALLOW_HINT = Message("error.git.unshallow")


def shallow_cuts(root: Path) -> list[str]:
    """The commits where a shallow clone's history is cut (their parents were not fetched), or
    [] for a complete history. CI checkouts are shallow by default (GitHub Actions: depth 1)."""
    if _git(root, "rev-parse", "--is-shallow-repository").decode().strip() != "true":
        return []
    shallow_file = root / _git(root, "rev-parse", "--git-path", "shallow").decode().strip()
    try:
        return sorted(line.strip() for line in shallow_file.read_text(encoding="ascii").splitlines() if line.strip())
    except OSError:
        return []


def resolve(root: Path, rev: str) -> str:
    """The full commit id of ``rev``; a clear GitError for a revision that names no commit (in a
    shallow clone, with how to fetch the missing history)."""
    check_repo(root)
    if not rev or rev.startswith("-") or any(c in rev for c in "\0\n"):
        raise GitError(Message("error.git.not_a_revision", rev=repr(rev)))
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        cuts = shallow_cuts(root)
        if cuts:
            raise GitError(Message("error.git.shallow", rev=repr(rev), commits=", ".join(c[:10] for c in cuts), hint=UNSHALLOW_HINT)) from None
        raise GitError(Message("error.git.unknown_revision", rev=repr(rev))) from None


def _entry_file(rel: str) -> bool:
    return rel.startswith("interventions/") and rel.endswith(ENTRY_SUFFIXES) and "/" not in rel[len("interventions/"):]


def _split_z(data: bytes) -> list[str]:
    return [p for p in data.decode("utf-8", "surrogateescape").split("\0") if p]


def changed_files(root: Path, rev: str) -> tuple[list[str], bool, list[str]]:
    """Files under ``interventions/`` that differ between ``rev`` and the working tree (paths
    relative to ``root``; a renamed file by its new name; new untracked files included), whether
    anything that every entry depends on changed: ``schemas/``, an existing source in
    ``sources/`` (a table's rows, a removed source; a new source breaks nothing) or
    ``catalogue.yaml``, and which of those entry files are new (added or untracked, not renamed)."""
    commit = resolve(root, rev)
    shared = ("schemas", "sources", "catalogue.yaml")
    diff = _git(root, "diff", "--name-status", "-z", "-M", "--relative", commit, "--", "interventions", *shared)
    listing = iter(_split_z(diff))
    changed: set[str] = set()
    added: set[str] = set()
    schemas = False
    for status in listing:  # a status, then its path (a rename or copy: both paths)
        paths = list(islice(listing, 2 if status[:1] in ("R", "C") else 1))
        if any(p.startswith("schemas/") or p == "catalogue.yaml" or (p.startswith("sources/") and not status.startswith("A")) for p in paths):
            schemas = True  # a new source breaks no entry; a changed or removed one may
        if paths and not status.startswith("D") and _entry_file(paths[-1]):
            changed.add(paths[-1])
            if status.startswith("A"):  # (a renamed entry is no new one)
                added.add(paths[-1])
    for p in _split_z(_git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", "interventions", *shared)):
        if p.startswith("schemas/") or p == "catalogue.yaml":  # an untracked source is a new one
            schemas = True
        elif _entry_file(p):
            changed.add(p)
            added.add(p)
    return sorted(changed), schemas, sorted(added)


def changed_entry_files(root: Path, rev: str) -> list[Path]:
    """Entry files to validate after changes since ``rev``: those changed or added, or every entry
    file when ``schemas/``, a source or ``catalogue.yaml`` changed (unchanged entries can break then)."""
    return entry_changes(root, rev)[0]


def entry_changes(root: Path, rev: str) -> tuple[list[Path], list[Path]]:
    """:func:`changed_entry_files`, and the entry files added since ``rev`` (validate places a
    clash over a name, alias or id between a new and an older entry on the new one)."""
    rels, schemas_changed, added = changed_files(root, rev)
    folder = root / "interventions"
    new = [(root / rel).absolute() for rel in added if (root / rel).is_file()]
    if schemas_changed and folder.is_dir():
        return sorted(p.absolute() for p in folder.iterdir() if p.suffix in ENTRY_SUFFIXES and not p.name.startswith(".") and p.is_file()), new
    return [(root / rel).absolute() for rel in rels if (root / rel).is_file()], new


# The kinds of files a pull request can change that alter what users read.
FILE_KINDS = ("entries", "sources", "catalogue", "vocabularies", "schemas")


_KIND_OF_FOLDER = {"interventions": ("entries", ENTRY_SUFFIXES), "sources": ("sources", ENTRY_SUFFIXES),
                   "schemas/vocabularies": ("vocabularies", ENTRY_SUFFIXES), "schemas": ("schemas", (".json",))}


def file_kind(rel: str) -> str | None:
    """Which kind of catalogue file ``rel`` is (see :data:`FILE_KINDS`), or None for any other file."""
    folder, _, name = rel.rpartition("/")
    if name.startswith("."):
        return None
    if rel == "catalogue.yaml":
        return "catalogue"
    kind, suffixes = _KIND_OF_FOLDER.get(folder, (None, ()))
    return kind if name.endswith(suffixes) else None


def catalogue_blobs(root: Path, rev: str) -> dict[str, bytes]:
    """The catalogue's files at ``rev`` (entries, sources, catalogue.yaml, vocabularies, schemas):
    relative path -> content. Symbolic links are left out: they are no file of the catalogue."""
    commit = resolve(root, rev)
    listing = _split_z(_git(root, "ls-tree", "-r", "-z", commit, "--", "interventions", "sources", "catalogue.yaml", "schemas"))
    wanted: list[tuple[str, str]] = []
    for line in listing:
        meta, _, path = line.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob" and parts[0] != "120000" and file_kind(path):
            wanted.append((path, parts[2]))
    if not wanted:
        return {}
    raw = _git(root, "cat-file", "--batch", input_bytes="".join(f"{sha}\n" for _, sha in wanted).encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    for path, _sha in wanted:  # "<sha> blob <size>\n<content>\n" each
        start = raw.index(b"\n", pos) + 1
        size = int(raw[pos:start].split()[2])
        blobs[path] = raw[start:start + size]
        pos = start + size + 1  # the content is followed by a newline
    return blobs


@dataclass(frozen=True)
class Change:
    """One commit that touched an entry file."""

    commit: str
    date: str  # author date, ISO 8601 with offset
    author: str
    message: str  # the subject line
    file: str  # the file's path in that commit (renames are followed)

    def to_dict(self) -> dict[str, str]:
        return {"commit": self.commit, "date": self.date, "author": self.author, "message": self.message, "file": self.file}


def history_cut(root: Path, changes: list[Change]) -> tuple[list[Change], str | None]:
    """The known ``changes`` and, in a shallow clone, the commit where the entry's history is cut
    (its file exists there, so older changes are not in the clone). The cut commit itself is not a
    known change: without its parent, git shows it as adding every file it holds."""
    if not changes:
        return changes, None
    for cut in shallow_cuts(root):
        try:
            _git(root, "cat-file", "-e", f"{cut}:./{changes[-1].file}")
        except GitError:
            continue
        return [c for c in changes if c.commit != cut], cut
    return changes, None


def history(root: Path, rel: str) -> list[Change]:
    """Commits that changed the entry file ``rel`` (relative to ``root``), newest first, across
    renames. In a shallow clone the list stops at the cut (see :func:`history_cut`)."""
    check_repo(root)
    raw = _git(root, "log", "--follow", "-M", "--name-only", "--format=%x1e%H%x1f%aI%x1f%an%x1f%s", "--", rel)
    changes: list[Change] = []
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    for record in raw.decode("utf-8", "replace").split("\x1e")[1:]:
        head, _, rest = record.partition("\n")
        fields = head.split("\x1f")
        if len(fields) != 4:
            continue
        files = [line for line in rest.splitlines() if line.strip()]
        changes.append(Change(*fields, _relative(root, top, files[0]) if files else rel))
    return changes


def _relative(root: Path, top: Path, toplevel_path: str) -> str:
    """git log prints paths from the repository top; show them from the catalogue root."""
    try:
        return (top / toplevel_path).relative_to(root.resolve()).as_posix()
    except ValueError:
        return toplevel_path
