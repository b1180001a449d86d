"""Issue 15: no output is lost or cut without an error, no file is replaced that was promised safe,
and SIGTERM/SIGHUP clean up like Ctrl-C.

Standard output: every document reaches it whole or the command ends with exit 1 and
"jwtool: cannot write output: <reason>". Files (-o): written atomically; without --force the
final step refuses a file that appeared meanwhile; --force replaces a regular file or a symbolic
link itself, never a device or pipe, and never writes through a link.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import default_signals
from jwtool.catalogue.files import OutputError, write_atomic, write_folder_atomic

JWTOOL = [sys.executable, "-m", "jwtool"]
NO_SPACE = "jwtool: kan de uitvoer niet schrijven: geen ruimte meer op het apparaat"

# Every kind of document a command prints (all larger than the 4 KiB a short write takes below).
DOCUMENTS = [
    ["export", "--format", "json"],
    ["export", "--format", "csv"],
    ["list", "--format", "json"],
    ["search", "jongeren", "--format", "csv"],
    ["elements", "--format", "json"],
    ["map", "--export", "json"],
    ["render", "overview", "--format", "md"],
    ["render", "appendix", "--format", "html"],
    ["show", "boris", "--format", "json"],
]


class Disk(io.RawIOBase):
    """A raw standard output as Python has it under PYTHONUNBUFFERED (no buffer that retries):
    each write takes at most 4 KiB, and a full disk after ``room`` bytes."""

    def __init__(self, room: int, tty: bool = False) -> None:
        super().__init__()
        self.data = bytearray()
        self.room = room
        self.tty = tty

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.tty

    def write(self, b: bytes) -> int:  # type: ignore[override]
        if len(self.data) >= self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        taken = bytes(b[:min(4096, self.room - len(self.data))])
        self.data += taken
        return len(taken)


def stdout_on(monkeypatch: pytest.MonkeyPatch, disk: Disk) -> None:
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(disk, encoding="utf-8", write_through=True))


def placed(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- standard output --------------------------------------------------------------------------


@pytest.mark.parametrize("command", DOCUMENTS, ids=" ".join)
@pytest.mark.slow
def test_a_short_write_to_stdout_is_continued_so_the_document_arrives_whole(run_cli, repo_root: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    expected = run_cli(*command, "--catalogue", repo_root).stdout.encode("utf-8")
    disk = Disk(room=10 << 20)
    stdout_on(monkeypatch, disk)
    result = run_cli(*command, "--catalogue", repo_root)
    assert (result.exit_code, result.stderr) == (0, "")
    assert len(expected) > 4096 and bytes(disk.data) == expected


@pytest.mark.parametrize("command", [*DOCUMENTS, ["list"]], ids=" ".join)
def test_a_full_disk_on_stdout_is_exit_1_with_the_reason(run_cli, repo_root: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    # `list` as text on a terminal is a rich table: that goes through the same checked writer
    stdout_on(monkeypatch, Disk(room=1000, tty=command == ["list"]))
    result = run_cli(*command, "--catalogue", repo_root)
    assert result.exit_code == 1
    assert result.stderr == NO_SPACE + "\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("command", [["export", "--format", "json"], ["list"], ["render", "overview", "--format", "md"]], ids=" ".join)
@pytest.mark.slow
def test_stdout_on_dev_full_is_exit_1_with_the_reason(mini_catalogue: Path, command: list[str]) -> None:
    with open("/dev/full", "wb") as full, subprocess.Popen([*JWTOOL, *command, "--catalogue", str(mini_catalogue)],
                                                           stdout=full, stderr=subprocess.PIPE) as proc:
        _, stderr = proc.communicate()
    assert (proc.returncode, stderr.decode()) == (1, NO_SPACE + "\n")


@pytest.mark.slow
def test_a_closed_stdout_is_exit_1_with_the_reason(mini_catalogue: Path) -> None:
    # `jwtool list >&-`
    with subprocess.Popen(["sh", "-c", 'exec "$@" >&-', "sh", *JWTOOL, "list", "--catalogue", str(mini_catalogue)],
                          stderr=subprocess.PIPE) as proc:
        _, stderr = proc.communicate()
    assert (proc.returncode, stderr.decode()) == (1, "jwtool: kan de uitvoer niet schrijven: de standaarduitvoer is gesloten\n")


# --- files: never over a file by surprise -------------------------------------------------------


def test_a_file_that_appears_while_writing_is_not_replaced_without_force(tmp_path: Path) -> None:
    target = tmp_path / "overzicht.html"

    def page() -> Iterator[str]:
        yield "<html>"
        target.write_text("van een andere render\n", encoding="utf-8")  # a run alongside got there first
        yield "</html>\n"

    with pytest.raises(OutputError, match="already exists; use --force"):
        write_atomic(target, page())
    assert target.read_text(encoding="utf-8") == "van een andere render\n"
    assert placed(tmp_path) == ["overzicht.html"]


def test_without_hard_links_the_name_is_still_claimed_without_a_gap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*_: object) -> None:  # FAT, some network shares
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "x.csv"
    write_atomic(target, "een\n")
    with pytest.raises(OutputError, match="already exists"):
        write_atomic(target, "twee\n")
    assert target.read_text(encoding="utf-8") == "een\n"
    assert placed(tmp_path) == ["x.csv"]


def test_force_replaces_a_symbolic_link_itself_never_the_file_it_points_to(run_cli, mini_catalogue: Path, tmp_path: Path) -> None:
    theirs = tmp_path / "van-iemand-anders.txt"
    theirs.write_text("geheim\n", encoding="utf-8")
    theirs.chmod(0o600)
    link = tmp_path / "export.json"
    link.symlink_to(theirs)
    result = run_cli("export", "-o", link, "--force", "--catalogue", mini_catalogue)
    assert result.exit_code == 0, result.stderr
    assert not link.is_symlink() and link.read_text(encoding="utf-8").startswith("{")
    assert theirs.read_text(encoding="utf-8") == "geheim\n"
    assert stat.S_IMODE(theirs.stat().st_mode) == 0o600


def special_files(folder: Path) -> list[Path]:
    """A FIFO, and as root also a character device (the same as /dev/full)."""
    fifo = folder / "pijp"
    os.mkfifo(fifo)
    made = [fifo]
    if os.geteuid() == 0:
        device = folder / "apparaat"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
        made.append(device)
    return made


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
def test_a_device_or_pipe_is_never_replaced(run_cli, mini_catalogue: Path, tmp_path: Path, force: list[str]) -> None:
    for special in special_files(tmp_path):
        kind = stat.S_IFMT(special.lstat().st_mode)
        result = run_cli("export", "-o", special, *force, "--catalogue", mini_catalogue)
        assert result.exit_code == 2
        assert result.stderr == f"jwtool: fout: {special} is geen gewoon bestand (een apparaat, pijp of socket) en wordt niet vervangen\n"
        assert stat.S_IFMT(special.lstat().st_mode) == kind


def test_a_failed_render_into_a_new_folder_leaves_no_folder(run_cli, mini_catalogue: Path, tmp_path: Path, english) -> None:
    templates = tmp_path / "huisstijl"
    templates.mkdir()
    (templates / "overview.md.j2").write_text("# Overzicht\n{{ bestaat_niet }}\n", encoding="utf-8")
    site = tmp_path / "site"
    result = run_cli("render", "overview", "--format", "md", "--templates", templates, "-o", site, "--catalogue", mini_catalogue)
    assert result.exit_code == 1 and "bestaat_niet" in result.stderr
    assert placed(tmp_path) == ["huisstijl", "mini"]


def test_a_new_folder_is_made_with_its_page(run_cli, mini_catalogue: Path, tmp_path: Path) -> None:
    result = run_cli("render", "overview", "--format", "md", "-o", tmp_path / "site", "--catalogue", mini_catalogue)
    assert result.exit_code == 0, result.stderr
    assert placed(tmp_path / "site") == ["README.md"]
    again = run_cli("render", "overview", "--format", "md", "-o", tmp_path / "site", "--catalogue", mini_catalogue)
    readme = tmp_path / "site" / "README.md"
    assert (again.exit_code, again.stderr) == (2, f"jwtool: fout: {readme} bestaat al; in een map vervangt jwtool alleen een bestand dat u zelf noemt: "
                                                  f"noem het (-o {readme} --force) of kies een andere map\n")


# --force replaces only the -o FILE the user named: `-o DIR/` names a folder, so the README.md that
# the Markdown overview writes into it is new or nothing is written, and the catalogue's own folder
# (where a repository's README.md lives) takes no README.md at all, as it takes no site.


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
@pytest.mark.slow
def test_a_folder_s_own_readme_is_never_replaced_even_with_force(run_cli, mini_catalogue: Path, tmp_path: Path, force: list[str]) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    readme = project / "README.md"
    readme.write_text("# Mijn project\n", encoding="utf-8")
    result = run_cli("render", "overview", "--format", "md", "-o", f"{project}/", *force, "--catalogue", mini_catalogue)
    assert (result.exit_code, result.stderr) == (2, f"jwtool: fout: {readme} bestaat al; in een map vervangt jwtool alleen een bestand dat u zelf noemt: "
                                                    f"noem het (-o {readme} --force) of kies een andere map\n")
    assert readme.read_text(encoding="utf-8") == "# Mijn project\n"
    assert placed(project) == ["README.md"]  # no temporary file left
    named = run_cli("render", "overview", "--format", "md", "-o", readme, "--force", "--catalogue", mini_catalogue)  # what the refusal says to do
    assert named.exit_code == 0, named.stderr
    assert readme.read_text(encoding="utf-8").startswith("# ") and readme.read_text(encoding="utf-8") != "# Mijn project\n"


def test_the_refusal_of_a_folder_s_readme_says_what_to_do_in_english(run_cli, mini_catalogue: Path, tmp_path: Path, english) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("mine\n", encoding="utf-8")
    result = run_cli("render", "overview", "--format", "md", "-o", f"{tmp_path}/", "--force", "--catalogue", mini_catalogue)
    assert (result.exit_code, result.stderr) == (2, f"jwtool: error: {readme} already exists; in a folder jwtool replaces only a file you name: "
                                                    f"name it (-o {readme} --force) or choose another folder\n")
    assert readme.read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("has_readme", [True, False], ids=["readme", "no-readme"])
@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
def test_the_markdown_overview_is_never_written_into_the_catalogue_s_own_folder(run_cli, mini_catalogue: Path, force: list[str], has_readme: bool) -> None:
    readme = mini_catalogue / "README.md"
    if has_readme:
        readme.write_text("# De catalogus\n", encoding="utf-8")
    before = sorted(p.name for p in mini_catalogue.iterdir())
    for where in ("./", f"{mini_catalogue}/", str(mini_catalogue)):  # from inside it, and by its path
        result = run_cli("render", "overview", "--format", "md", "-o", where, *force, cwd=mini_catalogue)
        assert (result.exit_code, result.stderr) == (2, f"jwtool: fout: {Path(where)} is de map van de catalogus; daar schrijft jwtool geen README.md in: "
                                                        "kies een andere map of noem een bestand (-o overzicht.md)\n"), where
    assert sorted(p.name for p in mini_catalogue.iterdir()) == before
    assert (readme.read_text(encoding="utf-8") if has_readme else readme.exists()) == ("# De catalogus\n" if has_readme else False)


@pytest.mark.parametrize("args", [["render", "appendix"], ["export", "--format", "csv"], ["export", "--format", "sqlite"], ["map"]])
def test_an_output_that_ends_in_a_slash_where_a_file_goes_is_a_usage_error(run_cli, mini_catalogue: Path, tmp_path: Path, args: list[str]) -> None:
    """-o out/ means a folder; these write one file, and a file named 'out' is not what was asked."""
    r = run_cli(*args, "-o", f"{tmp_path / 'out'}/", "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and not (tmp_path / "out").exists()
    assert f"'{tmp_path / 'out'}/' is een map (het eindigt op '/'), maar hier hoort een bestand" in r.stderr


def test_a_data_package_takes_a_folder_that_ends_in_a_slash(run_cli, mini_catalogue: Path, tmp_path: Path) -> None:
    r = run_cli("export", "--format", "datapackage", "-o", f"{tmp_path / 'pakket'}/", "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "pakket" / "datapackage.json").is_file()


@pytest.mark.parametrize("umask", [0o022, 0o077])
@pytest.mark.slow
def test_a_site_gets_the_modes_of_any_new_file(mini_catalogue: Path, tmp_path: Path, umask: int) -> None:
    """Readable by others where the umask lets new files be, private where it does not: the
    temporary folder's own private mode is not what the site keeps."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    script = f"import os, sys; os.umask({umask}); from jwtool.cli import main; sys.argv[0] = 'jwtool'; main()"
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-c", script, "render", "overview", "--format", "html", "-o", str(site),
                           "--catalogue", str(mini_catalogue)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    folders = [site, *(p for p in site.rglob("*") if p.is_dir())]
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(folders) > 3 and len(files) > 3
    assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o777 & ~umask}
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o666 & ~umask}


@pytest.mark.parametrize("name", ["../buiten.html", "a/../../buiten.html", "/tmp/buiten.html", ""])
def test_a_folder_takes_no_file_named_outside_it(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError, match="outside|buiten"):
        write_folder_atomic(tmp_path / "site", [("index.html", "<p>een</p>\n"), (name, "<p>twee</p>\n")])
    assert placed(tmp_path) == []


# --- SIGTERM and SIGHUP -------------------------------------------------------------------------

# Runs jwtool's own entry point, stopping it just before a finished temporary file under the
# folder argv[1] is put in place: it says "placing" on stderr and waits for a line on stdin that
# never comes. An audit hook (a Python feature for watching os.link/os.rename), so jwtool itself
# has no test hook; the signal then arrives while the temporary file certainly exists.
HOLD_BEFORE_PLACING = """
import sys
folder = sys.argv.pop(1)

def hold(event, args):
    if event in ("os.link", "os.rename") and str(args[0]).startswith(folder) and str(args[0]).endswith(".tmp"):
        sys.stderr.write("placing\\n")
        sys.stderr.flush()
        sys.stdin.readline()

sys.addaudithook(hold)
from jwtool.cli import main
main()
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
@pytest.mark.slow
def test_sigterm_and_sighup_remove_the_temporary_file_and_exit_128_plus_the_signal(mini_catalogue: Path, tmp_path: Path, signum: int) -> None:
    # (the cache is a SQLite database: no temporary file; see test_cache.py for a signal mid-write)
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    env = {**os.environ, "JWTOOL_CACHE_DIR": str(cache)}
    env.pop("JWTOOL_NO_CACHE", None)
    argv = [sys.executable, "-c", HOLD_BEFORE_PLACING, str(out),
            "export", "-o", str(out / "export.json"), "--catalogue", str(mini_catalogue)]
    with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=default_signals) as proc:
        assert proc.stderr is not None
        assert proc.stderr.readline() == b"placing\n"
        assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] != []
        proc.send_signal(signum)
        _, stderr = proc.communicate()
    assert proc.returncode == 128 + signum, stderr
    assert stderr.decode() == f"jwtool: beëindigd door {signal.Signals(signum).name}\n"
    assert [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")] == []
    assert not (out / "export.json").exists()


@pytest.mark.slow
def test_an_ignored_sighup_stays_ignored(mini_catalogue: Path, tmp_path: Path) -> None:
    # `nohup jwtool ...`: the shell ignores SIGHUP before jwtool starts
    out = tmp_path / "out"
    out.mkdir()
    argv = ["sh", "-c", 'trap "" HUP; exec "$@"', "sh", sys.executable, "-c", HOLD_BEFORE_PLACING, str(out),
            "export", "-o", str(out / "export.json"), "--catalogue", str(mini_catalogue)]
    with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stderr is not None
        assert proc.stderr.readline() == b"placing\n"
        proc.send_signal(signal.SIGHUP)
        _, stderr = proc.communicate(b"\n")  # go on
    assert proc.returncode == 0, stderr
    assert placed(out) == ["export.json"]


# --- a full disk ----------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small file system")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


@pytest.mark.slow
def test_root_only_a_full_disk_gives_exit_1_and_a_message_on_every_output_path(small_disk: Path, repo_root: Path) -> None:
    # The bundled catalogue's export is 190 KB, its overview 200 KB: neither fits in 64 KiB.
    # PYTHONUNBUFFERED=1 is the case that cut the file silently (no buffer that retries).
    cases = [  # (arguments, -o file or None for stdout, expected message)
        (["export", "--format", "json"], None, NO_SPACE),
        (["render", "overview", "--format", "md"], None, NO_SPACE),
        (["export", "--format", "json", "-o", str(small_disk / "export.json")], small_disk / "export.json",
         f"jwtool: fout: kan {small_disk / 'export.json'} niet schrijven: geen ruimte meer op het apparaat"),
    ]
    for unbuffered in ("1", ""):
        env = {**os.environ, "PYTHONUNBUFFERED": unbuffered}
        for args, file, message in cases:
            stdout_file = small_disk / "stdout"
            with open(stdout_file, "wb") as sink, subprocess.Popen([*JWTOOL, *args, "--catalogue", str(repo_root)], stdout=sink,
                                                                   stderr=subprocess.PIPE, env=env) as proc:
                _, stderr = proc.communicate()
            assert (proc.returncode, stderr.decode().strip()) == (1, message), (args, unbuffered)
            assert placed(small_disk) == ["stdout"], (args, unbuffered)  # no -o file, no temporary file
            stdout_file.unlink()


def test_force_never_replaces_a_link_to_a_device_or_pipe(run_cli, mini_catalogue: Path, tmp_path: Path, english) -> None:
    for special in special_files(tmp_path):  # like /dev/stdout, a link to a stream
        link = tmp_path / f"link-{special.name}"
        link.symlink_to(special)
        result = run_cli("export", "-o", link, "--force", "--catalogue", mini_catalogue)
        assert result.exit_code == 2
        assert "links to a device, pipe or folder; refusing to replace it" in result.stderr
        assert link.is_symlink() and os.readlink(link) == str(special)
