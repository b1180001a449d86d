"""The files that guide contributors: the CI workflow, the pull-request template, the issue form,
pre-commit hooks, CONTRIBUTING.md and the editor's schema mapping."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ISSUE_FORMS = sorted((REPO / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))
# Commands a workflow may run besides the project's own (`jwtool ...`, `make ...`).
SHELL_TOOLS = {"python", "mkdir", "cat", "git", "check-jsonschema"}  # git: the issue workflow commits the new entry on its branch; check-jsonschema: README, Editor support


def load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # keeps 'on' a string


def run_lines(workflow: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            for line in step.get("run", "").splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    lines.append(line)
    return lines


def check_jsonschema(schema: str, files: list[Path]) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(exe).exists():
        pytest.fail("check-jsonschema is missing: pip install -e '.[test]'")
    return subprocess.run([exe, "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True)


def vocab_ids(name: str) -> list[str]:
    data = yaml.safe_load((REPO / "schemas" / "vocabularies" / f"{name}.yaml").read_text(encoding="utf-8"))
    return [t["id"] for t in sorted(data["terms"], key=lambda t: t.get("rank", 0))]


# ----------------------------------------------------------------------------- workflow


def test_there_is_a_ci_workflow() -> None:
    assert REPO / ".github" / "workflows" / "ci.yml" in WORKFLOWS


@pytest.mark.slow
def test_workflows_are_valid_github_workflows() -> None:
    result = check_jsonschema("vendor.github-workflows", WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_runs_on_pull_requests_and_does_what_the_issue_asks() -> None:
    wf = load(REPO / ".github" / "workflows" / "ci.yml")
    assert "pull_request" in wf["on"] and "push" in wf["on"]
    steps = wf["jobs"]["check"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))["with"]["python-version"] == "3.11"
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    lines = run_lines(wf)
    assert "python -m pip install -c constraints.txt -e '.[test]'" in lines  # the tested versions
    assert "jwtool validate --format github" in lines
    assert "make test" in lines
    assert any(line.startswith("jwtool render appendix --format ") for line in lines)
    assert any(line.startswith("jwtool render overview --format ") for line in lines)
    assert any(line.startswith("jwtool diff ") and "--format md" in line for line in lines)
    comment = next(s for s in steps if s.get("uses", "").startswith("actions/github-script@"))
    assert "<!-- jwtool-diff -->" in comment["with"]["script"]  # the marker that jwtool diff --format md writes


def test_untrusted_pull_request_text_is_never_pasted_into_a_shell() -> None:
    """Expressions go through env: variables; ${{ }} inside run: would be script injection."""
    for wf in WORKFLOWS:
        for job in load(wf)["jobs"].values():
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), step.get("name")


def test_the_workflow_calls_only_commands_the_readme_documents() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented_jwtool = set(re.findall(r"\bjwtool ([a-z][a-z-]*)", readme))
    documented_make = set(re.findall(r"\bmake ([a-z][a-z-]*)", readme))
    for wf in WORKFLOWS:
        for line in run_lines(load(wf)):
            words = shlex.split(line)
            if words[0] == "jwtool":
                assert words[1] in documented_jwtool, f"{wf.name}: 'jwtool {words[1]}' is not documented in README.md"
            elif words[0] == "make":
                assert words[1] in documented_make, f"{wf.name}: 'make {words[1]}' is not documented in README.md"
            else:
                assert words[0] in SHELL_TOOLS, f"{wf.name}: unexpected command {words[0]!r}"


def test_the_render_commands_in_the_workflow_use_the_documented_forms() -> None:
    for line in run_lines(load(REPO / ".github" / "workflows" / "ci.yml")):
        if line.startswith("jwtool render"):
            assert re.fullmatch(r"jwtool render (appendix --format (md|html|docx)|overview --format (md|html)) -o build/\S+", line), line


# ----------------------------------------------------------------------------- templates


def test_the_pull_request_template_has_the_checklist() -> None:
    text = (REPO / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    items = re.findall(r"^- \[ \] (.+)$", text, re.M)
    assert any("source" in i for i in items)
    assert any("jwtool validate" in i for i in items)
    assert any("last_reviewed" in i for i in items)


@pytest.mark.slow
def test_the_issue_form_is_a_valid_github_issue_form() -> None:
    assert ISSUE_FORMS, "no issue form"
    result = check_jsonschema("vendor.github-issue-forms", ISSUE_FORMS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_issue_form_asks_for_the_required_fields_with_the_vocabularies_choices(repo_root: Path) -> None:
    form = yaml.safe_load((REPO / ".github" / "ISSUE_TEMPLATE" / "nieuwe-interventie.yml").read_text(encoding="utf-8"))
    fields = {b["id"]: b for b in form["body"] if "id" in b}
    schema = json.loads((repo_root / "schemas" / "intervention.schema.json").read_text(encoding="utf-8"))
    asked = {re.sub(r"_(verdict|level)$", "", k) for k in fields} | {"evidence"} | ({"cites"} if "source" in fields else set())
    for required in schema["required"]:
        if required not in ("id", "last_reviewed"):  # made by the maintainer
            assert required in asked, required
    assert fields["kind"]["attributes"]["options"] == schema["properties"]["kind"]["enum"]
    assert fields["phases"]["attributes"]["options"] == vocab_ids("phases")
    assert [o for o in fields["evidence_level"]["attributes"]["options"] if o != "weet ik niet"] == vocab_ids("evidence-levels")


# ----------------------------------------------------------------------------- pre-commit


def test_pre_commit_hook_for_other_catalogues() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "jwtool-validate"
    assert hook["entry"] == "jwtool validate"
    assert hook["language"] == "python"  # pre-commit installs this repository as a package
    assert hook["pass_filenames"] is False  # a vocabulary change can break unchanged entries
    files = re.compile(hook["files"])
    assert files.search("interventions/bridge.yaml") and files.search("schemas/vocabularies/phases.yaml")
    assert files.search("sources/evaluatie-2025.yaml") and files.search("catalogue.yaml")  # a source or the format version can break entries
    assert not files.search("src/jwtool/cli/__init__.py") and not files.search("README.md")


def this_repositorys_hook() -> dict:  # type: ignore[type-arg]
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = [h for r in config["repos"] if r["repo"] == "local" for h in r["hooks"] if h["id"] == "jwtool-validate"]
    return hook  # type: ignore[no-any-return]


def test_pre_commit_config_of_this_repository_runs_jwtool_validate_from_source() -> None:
    hook = this_repositorys_hook()
    assert hook["language"] == "python" and hook["pass_filenames"] is False  # pre-commit builds its environment
    assert shlex.split(hook["entry"])[-1] == "validate"
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert hook["additional_dependencies"] == declared
    files = re.compile(hook["files"])
    assert files.search("interventions/kix.yaml") and files.search("sources/kix.yaml") and files.search("catalogue.yaml") and not files.search("src/jwtool/catalogue/yamlfile.py")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_pre_commit_hooks_warn_about_untracked_files_that_validate_read(tmp_path: Path) -> None:
    """validate checks the working tree: a new source left out of the commit passes it. A second
    hook names such files (verbose: its output shows although it passes)."""
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = [h for r in config["repos"] if r["repo"] == "local" for h in r["hooks"] if h["id"] == "untracked-catalogue-files"]
    assert hook["verbose"] is True and hook["pass_filenames"] is False and re.compile(hook["files"]).search("interventions/x.yaml")
    program, *args = shlex.split(hook["entry"])
    assert program == "python"
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    (tmp_path / "interventions").mkdir()
    (tmp_path / "sources").mkdir()
    (tmp_path / "interventions" / "proefaanpak.yaml").write_text("id: proefaanpak\n", encoding="utf-8")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], check=True, env=env)
    subprocess.run([*git, "add", "interventions"], check=True, env=env)
    quiet = subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert quiet.stdout == ""
    (tmp_path / "sources" / "evaluatie-proefaanpak.yaml").write_text("id: evaluatie-proefaanpak\n", encoding="utf-8")
    loud = subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert loud.stdout.startswith("warning: ") and "\n  sources/evaluatie-proefaanpak.yaml\n" in loud.stdout


@pytest.mark.slow
def test_pre_commit_runs_on_a_fresh_clone_without_an_activated_environment(tmp_path: Path) -> None:
    """`pre-commit run --all-files` in a clone, with no jwtool on PATH: the hook installs itself."""
    clone = tmp_path / "clone"
    shutil.copytree(REPO, clone, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis", ".jwtool-cache", "work"))
    env = {"PATH": os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "jwtool").exists()),
           "HOME": str(tmp_path), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "LANG": "C.UTF-8"}
    git = ["git", "-C", str(clone), "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "clone"]):
        subprocess.run([*git, *args], check=True, env=env)
    done = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"jwtool validate\.+Passed", done.stdout), done.stdout


@pytest.mark.slow
def test_the_hook_entry_is_a_working_command(repo_root: Path, run_cli) -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    program, *args = shlex.split(hook["entry"])
    assert program == "jwtool"
    assert run_cli(*args, cwd=repo_root).exit_code == 0


# ----------------------------------------------------------------------------- CONTRIBUTING.md


def test_contributing_explains_the_evidence_ladder_with_its_definitions() -> None:
    text = " ".join((REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    data = yaml.safe_load((REPO / "schemas" / "vocabularies" / "evidence-levels.yaml").read_text(encoding="utf-8"))
    for term in data["terms"]:
        assert f"`{term['id']}`" in text, term["id"]
        assert " ".join(term["definition"].split()) in text, f"definition of {term['id']} differs from the vocabulary"


def test_contributing_covers_each_step() -> None:
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for needle in ("jwtool new", "jwtool validate", "jwtool diff", "jwtool history", "## 3. Cite your sources",
                   "## 4. Choose working elements", "## 5. Choose the evidence level", "## 6. Propose a new vocabulary term",
                   "## 8. What reviewers check", "<vul in: …>", "pre-commit install"):
        assert needle in text, needle


def test_every_git_add_the_docs_show_commits_the_new_source_too() -> None:
    """Step 7 said `git add interventions/<id>.yaml`: the sources/<id>.yaml that jwtool new wrote
    stayed untracked, validate and the pre-commit hook (the working tree) passed, CI's clone failed."""
    step7 = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").split("## 7. ", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"^git add ", step7, re.M), "step 7 shows no git add"
    for doc in ("CONTRIBUTING.md", "README.md"):
        for line in re.findall(r"git add [^`#\n]*", (REPO / doc).read_text(encoding="utf-8")):
            words = shlex.split(line)[2:]
            assert any(w == "sources" or w.startswith("sources/") for w in words), f"{doc}: {line}"


# ----------------------------------------------------------------------------- editor support


def _schema_of_modeline(path: Path) -> Path:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert m, f"{path.name}: first line is not a schema modeline: {first!r}"
    return (path.parent / m.group(1)).resolve()


def test_every_entry_has_a_modeline_that_resolves_to_the_entry_schema(repo_root: Path) -> None:
    schema = (repo_root / "schemas" / "intervention.schema.json").resolve()
    entries = sorted((repo_root / "interventions").glob("*.yaml"))
    assert entries
    for path in entries:
        assert _schema_of_modeline(path) == schema, path.name


def test_a_new_entry_has_the_modeline_too(empty_catalogue: Path, run_cli) -> None:
    run_cli("new", "Proefaanpak", "--no-input", "--catalogue", empty_catalogue)
    assert _schema_of_modeline(empty_catalogue / "interventions" / "proefaanpak.yaml") == (empty_catalogue / "schemas" / "intervention.schema.json").resolve()


def test_vscode_maps_the_schemas_to_the_files(repo_root: Path) -> None:
    settings = json.loads((repo_root / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping: dict[str, list[str]] = settings["yaml.schemas"]
    for schema, globs in mapping.items():
        assert (repo_root / schema).is_file(), schema
        json.loads((repo_root / schema).read_text(encoding="utf-8"))
    entry_globs = mapping["./schemas/intervention.schema.json"]
    for path in (repo_root / "interventions").glob("*.yaml"):
        rel = path.relative_to(repo_root).as_posix()
        assert any(fnmatch.fnmatch(rel, g) for g in entry_globs), rel
    recommended = json.loads((repo_root / ".vscode" / "extensions.json").read_text(encoding="utf-8"))["recommendations"]
    assert "redhat.vscode-yaml" in recommended


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_workflow_jwtool_steps_run_on_a_checkout(catalogue_copy: Path, run_cli) -> None:
    """Each `jwtool` line of the workflow, as CI runs it in a checkout, exits 0 and writes its file."""
    import os

    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    git = ["git", "-C", str(catalogue_copy), "-c", "user.name=CI", "-c", "user.email=ci@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], check=True, env=env)
    subprocess.run([*git, "add", "-A"], check=True, env=env)
    subprocess.run([*git, "commit", "-q", "-m", "base"], check=True, env=env)
    (catalogue_copy / "build").mkdir()
    for line in run_lines(load(REPO / ".github" / "workflows" / "ci.yml")):
        if not line.startswith("jwtool "):
            continue
        command = line.split(" > ")[0].replace('"$BASE_SHA"', "HEAD")
        result = run_cli(*shlex.split(command)[1:], cwd=catalogue_copy)
        assert result.exit_code == 0, f"{line}: {result.stderr}"
        if " -o " in command:
            assert (catalogue_copy / command.split(" -o ")[1]).stat().st_size > 0, line


# ----------------------------------------------------------------------------- the issue workflow's branch

BOT_NAME, BOT_EMAIL = "github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"
ISSUE_BRANCH = "nieuwe-entry/issue-7"
ISSUE_WORKFLOW = REPO / ".github" / "workflows" / "issue-to-pr.yml"


def _branch_step() -> dict[str, Any]:
    """The step of the issue workflow that commits the new files on the issue's branch and pushes it."""
    [step] = [s for s in load(ISSUE_WORKFLOW)["jobs"]["entry"]["steps"] if "git config user.email" in s.get("run", "")]
    return step


class IssueRemote:
    """A bare repository standing in for GitHub, with a default branch that holds this repository's
    .github/scripts; ``run`` does what the workflow's branch step does in a fresh checkout of it
    (as actions/checkout makes one) after ``jwtool new --from-issue`` wrote ``files``."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.bare = tmp / "github.git"
        self.env = {"PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]), "HOME": str(tmp),
                    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "LANG": "C.UTF-8"}
        self.git("init", "-q", "--bare", "-b", "main", str(self.bare))
        seed = tmp / "seed"
        self.git("init", "-q", "-b", "main", str(seed))
        self.git("-C", str(seed), "remote", "add", "origin", str(self.bare))
        (seed / "interventions").mkdir()
        (seed / "interventions" / "bestaand.yaml").write_text("id: bestaand\n", encoding="utf-8")
        scripts = REPO / ".github" / "scripts"
        if scripts.is_dir():
            shutil.copytree(scripts, seed / ".github" / "scripts")
        self.commit(seed, "basis", "Beheerder", "beheerder@example.org")
        self.git("-C", str(seed), "push", "-q", "origin", "HEAD:refs/heads/main")
        self.runs = 0

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, env=self.env, check=False)
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout.strip()

    def clone(self, name: str, branch: str = "main") -> Path:
        self.git("clone", "-q", "-b", branch, str(self.bare), str(self.tmp / name))
        return self.tmp / name

    def commit(self, repo: Path, message: str, name: str, email: str, *extra: str) -> None:
        self.git("-C", str(repo), "add", "-A")
        self.git("-C", str(repo), "-c", f"user.name={name}", "-c", f"user.email={email}", "-c", "commit.gpgsign=false", "commit", "-q", *extra, "-m", message)

    def sha(self, ref: str = f"refs/heads/{ISSUE_BRANCH}") -> str:
        listed = subprocess.run(["git", "ls-remote", str(self.bare), ref], capture_output=True, text=True, env=self.env, check=True).stdout.split()
        return listed[0] if listed else ""

    def log(self, ref: str = ISSUE_BRANCH) -> list[str]:
        return self.git("--git-dir", str(self.bare), "log", "--format=%an|%cn|%s", ref).splitlines()

    def run(self, files: dict[str, str], hook: str = "") -> tuple[subprocess.CompletedProcess[str], str]:
        """The branch step in a fresh checkout holding ``files``: its result and the status it set."""
        self.runs += 1
        checkout = self.clone(f"run-{self.runs}")
        for rel, text in files.items():
            (checkout / rel).parent.mkdir(parents=True, exist_ok=True)
            (checkout / rel).write_text(text, encoding="utf-8")
        if hook:
            (checkout / ".git" / "hooks" / "pre-push").write_text(hook, encoding="utf-8")
            (checkout / ".git" / "hooks" / "pre-push").chmod(0o755)
        temp = self.tmp / f"runner-temp-{self.runs}"
        temp.mkdir()
        output = temp / "github-output"
        output.touch()
        env = {**self.env, "BRANCH": ISSUE_BRANCH, "ISSUE_NUMBER": "7", "RUNNER_TEMP": str(temp), "GITHUB_OUTPUT": str(output)}
        done = subprocess.run(["bash", "-e", "-c", _branch_step()["run"]], cwd=checkout, env=env, capture_output=True, text=True, timeout=120, check=False)
        status = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line).get("status", "")
        return done, status

    def maintainer_commits(self, amend: bool = False) -> str:
        """A maintainer checks out the pull request's branch, completes the entry and pushes."""
        work = self.clone(f"maintainer-{self.runs}", ISSUE_BRANCH)
        path = work / "interventions" / "werkstart-noord.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "last_reviewed: 2026-12-01\n", encoding="utf-8")
        self.commit(work, "beheerder: aangevuld", "Beheerder", "beheerder@example.org", *(["--amend", "--no-edit"] if amend else []))
        self.git("-C", str(work), "push", "-q", "--force", "origin", f"HEAD:refs/heads/{ISSUE_BRANCH}")
        return self.git("-C", str(work), "rev-parse", "HEAD")


def _entry_files(summary: str) -> dict[str, str]:
    return {"interventions/werkstart-noord.yaml": f"id: werkstart-noord\nsummary: {summary}\n",
            "sources/evaluatie-werkstart-noord.yaml": "id: evaluatie-werkstart-noord\n"}


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@needs_git
@pytest.mark.parametrize("amend", [False, True], ids=["a commit of their own", "the bot's commit amended"])
@pytest.mark.slow
def test_editing_the_issue_never_discards_a_maintainers_work_on_the_branch(tmp_path: Path, amend: bool) -> None:
    """Run 1 (issue opened) makes the branch; a maintainer pushes to it; run 2 (issue edited) must
    leave it as the maintainer left it (a fresh branch force-pushed from main lost their commit)."""
    remote = IssueRemote(tmp_path)
    first, created = remote.run(_entry_files("Eerste versie."))
    assert first.returncode == 0, first.stderr
    assert remote.log() == [f"{BOT_NAME}|{BOT_NAME}|Nieuwe vermelding uit issue #7 (jwtool new --from-issue)", "Beheerder|Beheerder|basis"]
    theirs = remote.maintainer_commits(amend)

    second, status = remote.run(_entry_files("Bewerkte versie."))
    assert second.returncode == 0, second.stderr
    assert remote.sha() == theirs, "the edit replaced the branch a maintainer had pushed to"
    assert (created, status) == ("created", "kept")
    lines = (tmp_path / "runner-temp-2" / "branch.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "kept" and any(theirs[:12] in line and "Beheerder" in line for line in lines[1:])  # the comment lists their commit
    shown = remote.git("--git-dir", str(remote.bare), "show", f"{ISSUE_BRANCH}:interventions/werkstart-noord.yaml")
    assert "last_reviewed: 2026-12-01" in shown and "Eerste versie." in shown


@needs_git
@pytest.mark.slow
def test_a_branch_with_only_the_bots_commits_is_replaced_from_the_default_branch(tmp_path: Path) -> None:
    remote = IssueRemote(tmp_path)
    assert remote.run(_entry_files("Eerste versie."))[1] == "created"
    main = remote.clone("main-moves")  # the default branch moves on between the runs
    (main / "README.md").write_text("nieuw\n", encoding="utf-8")
    remote.commit(main, "main verder", "Iemand", "iemand@example.org")
    remote.git("-C", str(main), "push", "-q", "origin", "HEAD:refs/heads/main")

    done, status = remote.run(_entry_files("Bewerkte versie."))
    assert done.returncode == 0, done.stderr
    assert status == "replaced"
    assert [line.split("|")[2] for line in remote.log()] == ["Nieuwe vermelding uit issue #7 (jwtool new --from-issue)", "main verder", "basis"]
    shown = remote.git("--git-dir", str(remote.bare), "show", f"{ISSUE_BRANCH}:interventions/werkstart-noord.yaml")
    assert "Bewerkte versie." in shown


@needs_git
@pytest.mark.slow
def test_a_maintainers_push_during_the_run_makes_the_replacing_push_fail_not_overwrite(tmp_path: Path) -> None:
    """The lease is the commit the run inspected: a push that lands after that is not overwritten."""
    remote = IssueRemote(tmp_path)
    assert remote.run(_entry_files("Eerste versie."))[1] == "created"
    racer = remote.clone("racer", ISSUE_BRANCH)
    (racer / "interventions" / "werkstart-noord.yaml").write_text("id: werkstart-noord\nsummary: door de beheerder\n", encoding="utf-8")
    remote.commit(racer, "beheerder: tussendoor", "Beheerder", "beheerder@example.org")
    # the pre-push hook runs after the run looked at the branch and before its push lands
    hook = f"#!/bin/sh\nunset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\ngit -C {shlex.quote(str(racer))} push -q origin HEAD:refs/heads/{ISSUE_BRANCH} >&2\n"
    racing = remote.git("-C", str(racer), "rev-parse", "HEAD")

    done, status = remote.run(_entry_files("Bewerkte versie."), hook=hook)
    assert done.returncode == 0, done.stderr
    assert remote.sha() == racing
    assert status == "raced"


def test_the_issue_workflow_pushes_only_with_a_lease_and_reports_a_kept_branch() -> None:
    wf = load(ISSUE_WORKFLOW)
    steps = wf["jobs"]["entry"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == "0"  # the history the branch of an earlier run is compared with
    for line in run_lines(wf):
        words = shlex.split(line)
        assert not (words[:2] == ["git", "push"] and ("--force" in words or "-f" in words)), line  # never a blind force-push
        assert words[:3] != ["git", "checkout", "-B"], line
    step = _branch_step()
    assert step["id"] == "branch" and "python .github/scripts/issue_branch.py \"$BRANCH\"" in step["run"]
    script = next(s for s in steps if s.get("uses", "").startswith("actions/github-script@"))
    assert script["env"]["BRANCH_STATUS"] == "${{ steps.branch.outputs.status }}"
    code = script["with"]["script"]
    assert '"kept"' in code and '"raced"' in code and "jwtool new --from-issue issue-body.md" in code
    assert "issue_number: pr.number" in code  # the pull request hears it too, not only the issue
