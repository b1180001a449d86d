"""Files, safely: the one module every layer reads and writes through.

Reading: :func:`confine` keeps every read inside its catalogue. Writing: :func:`write_stdout`
prints a document whole or raises :class:`OutputLost` (exit 1, never a cut-off file and exit 0);
:func:`write_atomic` and :func:`write_folder_atomic` fill a temporary file or folder and put it in
place in one step that never writes through a symbolic link. jwtool never replaces a file it did not
create (:class:`FileTaken`): only the ``-o FILE`` the user named in full with ``--force`` (never a
file jwtool names in a folder the user gave: ``named=False``), the files ``jwtool upgrade`` rewrites,
and a site or data package folder holding that kind's mark (:data:`FOLDER_MARKS`). A temporary is locked while its run
works on it; one left by a killed run is removed by the next write beside it (:func:`sweep_stale`).
"""

from __future__ import annotations

import errno
import os
import re
import shlex
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO

from jwtool.catalogue.progress import track
from jwtool.catalogue.workers import in_order
from jwtool.labels import Message, os_error

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, so temporary files are never swept
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from jwtool.catalogue.layout import Layout

Content = str | bytes | Iterable[str]  # what a file is written from: text, bytes, or a stream of text chunks


class Outside(ValueError):
    """A file jwtool refuses to read (a symbolic link that leaves its catalogue, or a loop), reported
    under ``rule``; a ValueError, so code that handles an unreadable file handles this one too."""

    def __init__(self, rule: str, message: Message) -> None:
        super().__init__(message)
        self.rule, self.message = rule, message


def confine(path: Path, root: Path, *, templates: bool = False) -> Path:
    """``path`` with every symbolic link resolved, if it stays inside ``root``; else :class:`Outside`.

    The one confinement rule for all jwtool reads from a catalogue or ``--templates DIR``: a link that a
    pull request adds must never lead to ``/proc/self/environ`` or ``~/.ssh``. ``templates``: ``root``
    is a templates folder, which nothing may leave, not even for elsewhere in the catalogue (a template
    goes into outputs as it is, and a clone's ``.git/config`` holds CI's token).
    """
    try:
        target = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:  # missing (reading it will say so), or a link to nothing: still where it points
        target = Path(os.path.realpath(path))
    except (OSError, RuntimeError):  # a loop: a.yaml -> b.yaml -> a.yaml
        raise Outside("unreadable", Message("problem.link_loop")) from None
    if not target.is_relative_to(os.path.realpath(root)):
        if templates:
            raise Outside("symlink", Message("problem.link_outside_templates", folder=str(root), target=str(target)))
        raise Outside("symlink", Message("problem.link_outside", target=str(target)))
    return target


class OutputError(Exception):
    """The output cannot be written where asked (a usage error for the CLI)."""


class FileTaken(OutputError, FileExistsError):
    """The name is taken: jwtool does not replace a file it did not create (see the module docstring)."""


class OutputLost(Exception):
    """Standard output did not take the whole document (the message says why)."""


def write_stdout(data: str | bytes) -> None:
    """Write ``data`` to standard output whole (text encoded as ``sys.stdout`` would), or raise
    :class:`OutputLost`; a short write is continued, so the next one reports the error.
    ``BrokenPipeError`` (the reader went away) passes unchanged."""
    stream = sys.stdout
    if stream is None:  # started with stdout closed (`jwtool list >&-`)
        raise OutputLost(Message("error.stdout_closed"))
    if isinstance(data, str):
        data = data.encode(stream.encoding or "utf-8", stream.errors or "strict")
    try:
        stream.flush()  # text written to sys.stdout itself (e.g. by click) comes first
        view = memoryview(data)
        while view:
            written = stream.buffer.write(view)
            if not written:  # None: a non-blocking stdout that is full
                raise OutputLost(Message("error.stdout_full"))
            view = view[written:]
        stream.buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputLost(os_error(exc)) from None


def gathered(pieces: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """``pieces`` of text (JSON tokens, a page's parts) joined into chunks of about ``size``
    characters: what a large document is written in, without the whole of it in memory at once."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)


def check_target(path: Path, layout: Layout | None = None, force: bool = False, new_folder: bool = False, named: bool = True) -> Path:
    """Where ``path`` will be written (its folder resolved, the name not, so a symbolic link is
    replaced rather than followed), or :class:`OutputError` if writing there is refused.
    ``new_folder``: the folder of ``path`` is made when the file is placed. ``named=False``: the user
    named only the folder and jwtool the file (``render overview --format md -o DIR/``): it is never
    written over an existing file, ``force`` or not, nor into the catalogue's own folder."""
    path = Path(path).expanduser()
    target = path.parent.resolve() / path.name
    if layout is not None:
        if not named and target.parent == layout.root.resolve():
            raise OutputError(Message("error.output.catalogue_root", path=str(path.parent)))
        real = Path(os.path.realpath(path))  # a link to a catalogue file counts as that file (a loop: itself)
        for folder in layout.protected():
            if any(t == folder or folder in t.parents for t in (target, real)):
                raise OutputError(Message("error.output.in_catalogue", path=str(path), folder=folder.name))
        if layout.meta_file.resolve() in (target, real):  # no output replaces catalogue.yaml
            raise OutputError(Message("error.output.catalogue_file", path=str(path)))
    if target.is_dir():
        raise OutputError(Message("error.output.is_folder", path=str(path)))
    folder = target.parent.parent if new_folder else target.parent
    if not folder.is_dir():
        raise OutputError(Message("error.output.no_folder", path=str(path.parent.parent if new_folder else path.parent)))
    _replaceable(target, path, force, named)
    return target


def _replaceable(target: Path, path: Path, force: bool, named: bool = True) -> None:
    """:class:`OutputError` unless ``target`` is free, or (with ``force``) a regular file or a
    symbolic link; a device, pipe or socket is never replaced."""
    try:
        mode = os.lstat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise OutputError(Message("error.output.not_a_file", path=str(path)))
    if stat.S_ISLNK(mode) and os.path.exists(target) and not os.path.isfile(target):
        # e.g. /dev/stdout: a link to a stream or device is not a file to replace; print instead
        raise OutputError(Message("error.output.links_to_device", path=str(path)))
    if not (force and named):
        raise _exists(path, named)


def write_atomic(path: Path, data: bytes | str | Iterable[str], layout: Layout | None = None, force: bool = False,
                 new_folder: bool = False, named: bool = True) -> Path:
    """Write ``data`` (text is UTF-8 encoded, or a stream of text chunks) to ``path`` atomically;
    returns where it was written. An exception while ``data`` is produced leaves the old file as it
    was; with ``new_folder`` the missing folder is made only once the file is complete. ``named``:
    see :func:`check_target` (a file the user did not name is only ever made new)."""
    target = check_target(path, layout, force, new_folder, named)
    force = force and named
    where = target.parent.parent if new_folder else target.parent
    sweep_stale(where, target.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=where)
    lock = _hold(os.dup(fd))  # held until the file is in place (the writing below closes fd)
    made = False
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_chunks(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if new_folder:
            with suppress(FileExistsError):  # made by a run alongside: then it is not ours to remove
                target.parent.mkdir()
                made = True
        _place(tmp, target, Path(path), force, named)
    except BaseException:  # incl. KeyboardInterrupt, SIGTERM: never leave the temporary file behind
        with suppress(OSError):
            os.unlink(tmp)
        if made:
            with suppress(OSError):
                target.parent.rmdir()
        close = getattr(data, "close", None)
        if close is not None:  # finish a half-read stream now, not at interpreter shutdown
            close()
        raise
    finally:
        os.close(lock)
    return target


def _write_chunks(fh: BinaryIO, content: Content) -> None:
    """Write text (UTF-8 encoded), bytes, or a stream of text chunks."""
    for chunk in [content] if isinstance(content, (str, bytes)) else content:
        fh.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)


def _place(tmp: str, target: Path, path: Path, force: bool, named: bool = True) -> None:
    """Put the finished temporary file at ``target`` in one step: without ``force`` a hard link claims
    the name and fails if anything is there by now (no gap between check and write); with it
    ``os.replace`` swaps the directory entry, so a symbolic link is replaced, never followed."""
    if force:
        _replaceable(target, path, force)
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise _exists(path, named) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS):
            raise
        # no hard links on this file system (FAT, some network shares): claim the name, then fill it
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise _exists(path, named) from None
        os.replace(tmp, target)
    else:
        os.unlink(tmp)


def _exists(path: Path, named: bool = True) -> FileTaken:
    """The name is taken: ``--force`` replaces a file the user named; one jwtool names in the user's
    folder never, so the message says to name it (or choose another folder) instead."""
    if not named:
        return FileTaken(Message("error.output.unnamed_exists", path=str(path), named=shlex.quote(str(path))))
    return FileTaken(Message("error.output.exists", path=str(path)))


def _hold(fd: int) -> int:
    """Lock a temporary file or folder (``fd``, returned) for as long as this process has it open: the
    kernel lets go when the process ends however it ends, so a lock that can be taken means its run is gone."""
    if fcntl is not None:
        with suppress(OSError):  # no flock on some network file systems: never swept
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def sweep_stale(folder: Path, name: str) -> list[str]:
    """Remove what runs writing ``name`` in ``folder`` left behind when killed (temporaries whose lock is
    free, named as :func:`write_atomic` and :func:`write_folder_atomic` name them; never through a
    symbolic link); returns their names."""
    if fcntl is None:
        return []
    pattern = re.compile(rf"\.{re.escape(name)}\.[A-Za-z0-9_]{{8}}\.(?:tmp|old)")
    removed = []
    try:
        candidates = [d for d in os.scandir(folder) if pattern.fullmatch(d.name) and not d.is_symlink()]
    except OSError:
        return []
    for d in candidates:
        try:
            fd = os.open(d.path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                shutil.rmtree(d.path, ignore_errors=True)
            else:
                os.unlink(d.path)
            removed.append(d.name)
        except OSError:  # in use by a run alongside (its lock is held), or already gone
            pass
        finally:
            os.close(fd)
    return removed


SITE_MARK = b'<meta name="generator" content="jwtool">'  # in the index.html of every site jwtool writes
DATAPACKAGE_MARK = b'"generator": "jwtool"'  # in the datapackage.json of every data package jwtool writes
# A folder of each kind jwtool writes: the file that holds its mark, the mark, and the refusal to replace
# a folder that lacks it. A site replaces only a site, a data package only a data package.
FOLDER_MARKS = {
    "site": ("index.html", SITE_MARK, "error.output.foreign_site"),
    "datapackage": ("datapackage.json", DATAPACKAGE_MARK, "error.output.foreign_datapackage"),
}


def check_folder(path: Path, layout: Layout | None = None, force: bool = False, kind: str = "site") -> Path:
    """Where the folder ``path`` will be written, or :class:`OutputError` if that is refused:
    inside the catalogue, its parent missing, a file there, or a folder that is not empty (without
    ``--force``; with it, only a folder of the same ``kind`` (a key of :data:`FOLDER_MARKS`) that
    jwtool wrote before is replaced, never any other folder)."""
    path = Path(path).expanduser()
    target = path.parent.resolve() / path.name if path.name else path.resolve()
    if layout is not None:
        for folder in layout.protected():
            if target == folder or folder in target.parents or target in folder.parents:
                raise OutputError(Message("error.output.site_in_catalogue", path=str(path), folder=folder.name))
    if not target.parent.is_dir():
        raise OutputError(Message("error.output.no_folder", path=str(path.parent)))
    if os.path.lexists(target):
        if target.is_symlink() or not target.is_dir():
            raise OutputError(Message("error.output.not_a_folder", path=str(path)))
        if any(target.iterdir()):
            if not force:
                raise OutputError(Message("error.output.folder_exists", path=str(path)))
            if not _written_by_jwtool(target, kind):
                raise OutputError(Message(FOLDER_MARKS[kind][2], path=str(path)))
    return target


def _written_by_jwtool(folder: Path, kind: str) -> bool:
    """A folder of ``kind`` that jwtool wrote: its mark file (a site's index.html, a data package's
    datapackage.json) holds that kind's mark near its top; the other kind's mark does not count."""
    name, mark, _ = FOLDER_MARKS[kind]
    with suppress(OSError), open(folder / name, "rb") as fh:
        return mark in fh.read(4096)
    return False


def write_folder_atomic(path: Path, files: Sequence[tuple[str, Content | Callable[[], Content]]], layout: Layout | None = None,
                        force: bool = False, kind: str = "site") -> Path:
    """Write ``files`` (path inside the folder, content or a function that makes it) as the folder
    ``path`` of ``kind`` (see :func:`check_folder`), whole or not at all. Many files are made and
    written by worker processes (:func:`jwtool.catalogue.workers.in_order`), with a progress bar
    named ``progress.<kind>``.

    The files go to a temporary folder beside ``path``, renamed into place in one step; a site replaced
    with ``--force`` is moved aside and removed only once the new one is in place. The files are not
    fsynced one by one (that made a site of 10,000 entries take 27 s): a site lost to a power cut is
    rendered again.
    """
    target = check_folder(path, layout, force, kind)
    sweep_stale(target.parent, target.name)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    held = [_hold(os.open(tmp, os.O_RDONLY))]
    old: Path | None = None
    try:
        for name, _ in files:
            parts = PurePosixPath(name).parts
            if not parts or parts[0] == "/" or ".." in parts:  # a plain path inside; tmp is new, so no link in it leads out
                raise OutputError(Message("error.output.outside_site", name=name))

        def write(i: int) -> None:
            name, content = files[i]
            dest = tmp / name
            dest.parent.mkdir(parents=True, exist_ok=True)  # folders and files get the umask's modes, as any new file
            with open(dest, "xb") as fh:
                _write_chunks(fh, content() if callable(content) else content)

        for _ in track(in_order(len(files), write), len(files), kind):
            pass
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp made it private
        check_folder(path, layout, force, kind)  # again: something may have appeared meanwhile
        if os.path.lexists(target):
            if any(target.iterdir()):
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
                held.append(_hold(os.open(old, os.O_RDONLY)))
                os.replace(target, old / "site")
            else:
                target.rmdir()
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not os.path.lexists(target) and (old / "site").is_dir():
            os.replace(old / "site", target)  # put the old site back
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        for fd in held:
            os.close(fd)
    return target
