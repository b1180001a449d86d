"""Reviewing a pull request: ``jwtool diff``, ``jwtool history``, ``validate --changed-since``
and ``validate --format github``, on a real temporary git repository of the catalogue."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import GIT_ENV, Repo
from jwtool.catalogue.problems import Problem
from jwtool.catalogue.vocabularies import VOCABULARY_NAMES

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

def add_entry(repo: Repo, run_cli, name: str = "Proefaanpak") -> str:
    """A new, filled-in entry from a new evaluation (jwtool new + the researcher's text); returns its file."""
    from test_new import fill_in

    evaluation = ["--source-url", "https://example.org/evaluatie.pdf", "--source-title", f"Evaluatie {name}", "--source-kind", "evaluatie"]
    result = run_cli("new", name, *evaluation, "--no-input", "--catalogue", repo.path)
    assert result.exit_code == 0, result.stderr
    rel = result.stdout.splitlines()[0]
    fill_in(repo.path / rel)
    return rel


BORIS = "interventions/boris-brengt-je-bij-een-baan.yaml"


# ----------------------------------------------------------------------------- done when


@pytest.mark.slow
def test_diff_and_changed_since_on_a_pull_request_with_a_changed_and_an_added_entry(repo: Repo, run_cli, english) -> None:
    repo.edit(BORIS, "level: niet-onderzocht", "level: eerste-aanwijzingen")
    new_rel = add_entry(repo, run_cli)
    repo.commit("Boris: bewijskracht; Proefaanpak toegevoegd")

    result = run_cli("diff", "HEAD~1", "HEAD", "--catalogue", repo.path)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Catalogue changes from HEAD~1 (") and lines[0].endswith(": 1 added, 1 changed; Sources: 1 added")
    assert lines[1] == f"added    proefaanpak  Proefaanpak  ({new_rel})"
    assert lines[2] == f"changed  boris-brengt-je-bij-een-baan  Boris brengt je bij ‘n baan  ({BORIS})"
    assert lines[3] == "  evidence.level: niet-onderzocht → eerste-aanwijzingen"
    assert lines[4:6] == ["Sources: 1 added", "added    evaluatie-proefaanpak  Evaluatie Proefaanpak  (sources/evaluatie-proefaanpak.yaml)"]
    assert all(line.startswith("  ") and ": + " in line for line in lines[6:])  # the new source, field by field

    result = run_cli("validate", "--changed-since", "HEAD~1", "--catalogue", repo.path)
    assert result.exit_code == 0, result.stdout
    others = len(VOCABULARY_NAMES) + len(list((repo.path / "sources").glob("*.yaml"))) + 1  # every vocabulary and source, catalogue.yaml
    assert f"in {2 + others} files checked" in result.stderr  # the two changed entries + the files every run checks


@pytest.mark.slow
def test_changed_since_validates_only_changed_files(repo: Repo, run_cli) -> None:
    repo.edit("interventions/bridge.yaml", "kind: interventie", "kind: project")  # broken before the PR
    repo.commit("Kapotte entry")
    repo.edit(BORIS, "level: niet-onderzocht", "level: goed-beschreven")  # a valid change (a higher level would want a comparing study)
    repo.commit("Boris")

    assert run_cli("validate", "--catalogue", repo.path).exit_code == 1
    result = run_cli("validate", "--changed-since", "HEAD~1", "--catalogue", repo.path)
    assert result.exit_code == 0, result.stdout
    result = run_cli("validate", "--changed-since", "HEAD~2", "--catalogue", repo.path)
    assert result.exit_code == 1
    assert "interventions/bridge.yaml" in result.stdout and BORIS not in result.stdout


def test_changed_since_includes_uncommitted_untracked_and_renamed_files(repo: Repo, run_cli) -> None:
    from jwtool.contribute.git import changed_entry_files, entry_changes

    repo.edit(BORIS, "level: niet-onderzocht", "level: goed-beschreven")  # not committed
    (repo.path / "interventions" / "nieuw.yaml").write_text("id: nieuw\n", encoding="utf-8")  # untracked
    repo.git("mv", "interventions/bridge.yaml", "interventions/bridge-2.yaml")
    (repo.path / "interventions" / "kix.yaml").unlink()  # deleted: nothing to validate
    files = [p.relative_to(repo.path).as_posix() for p in changed_entry_files(repo.path, "HEAD")]
    assert files == ["interventions/boris-brengt-je-bij-een-baan.yaml", "interventions/bridge-2.yaml", "interventions/nieuw.yaml"]
    _, added = entry_changes(repo.path, "HEAD")
    assert [p.relative_to(repo.path).as_posix() for p in added] == ["interventions/nieuw.yaml"]  # a renamed entry is no new one


def test_a_changed_vocabulary_rechecks_every_entry(repo: Repo, run_cli) -> None:
    from jwtool.contribute.git import changed_entry_files

    vocab = repo.path / "schemas" / "vocabularies" / "phases.yaml"
    vocab.write_text(vocab.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert len(changed_entry_files(repo.path, "HEAD")) == len(list((repo.path / "interventions").glob("*.yaml")))


@pytest.mark.parametrize("changed", ["sources/hanzen-2015.yaml", "catalogue.yaml"])
def test_a_changed_source_or_catalogue_yaml_rechecks_every_entry(changed: str, repo: Repo, run_cli) -> None:
    """A source's table shortened or a cited source removed breaks entries that did not change."""
    from jwtool.contribute.git import changed_entry_files

    path = repo.path / changed
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert len(changed_entry_files(repo.path, "HEAD")) == len(list((repo.path / "interventions").glob("*.yaml")))


def test_a_removed_source_is_reported_by_changed_since_at_the_entries_that_cite_it(repo: Repo, run_cli) -> None:
    (repo.path / "sources" / "hanzen-2015.yaml").unlink()
    result = run_cli("validate", "--changed-since", "HEAD", "--catalogue", repo.path)
    assert result.exit_code == 1 and "[citation]" in result.stdout and "hanzen-2015" in result.stdout


def test_changed_since_with_nothing_changed_still_checks_the_vocabularies(repo: Repo, run_cli, english) -> None:
    result = run_cli("validate", "--changed-since", "HEAD", "--catalogue", repo.path)
    assert result.exit_code == 0
    others = len(VOCABULARY_NAMES) + len(list((repo.path / "sources").glob("*.yaml"))) + 1
    assert f"in {others} files checked" in result.stderr  # every vocabulary and source and catalogue.yaml, no entry


NEW = "interventions/aanpak-boris-zwolle.yaml"  # sorts before the entries it shares values with


def add_copy_of_learn2work(repo: Repo) -> None:
    """A new entry copied from learn2work (its study id and its table rows with it), id and name
    changed, with Boris's alias; committed."""
    text = (repo.path / "interventions" / "learn2work.yaml").read_text(encoding="utf-8")
    text = text.replace("id: learn2work\nname: Learn2Work\n", "id: aanpak-boris-zwolle\nname: Aanpak Zwolle\naliases: [Boris]\n", 1)
    (repo.path / NEW).write_text(text, encoding="utf-8")
    repo.commit("Aanpak Zwolle toegevoegd")


@pytest.mark.slow
def test_a_new_entry_that_repeats_a_name_or_study_id_is_told_by_the_checks_a_contributor_runs(repo: Repo, run_cli) -> None:
    """CONTRIBUTING: `validate FILE` until it says ok; CI and reviewers: `--changed-since`. Both report
    every value the new file shares with another entry, in the new file, naming the other."""
    add_copy_of_learn2work(repo)
    expected = [
        f"{NEW}:4:11: fout: aliases[0]: 'Boris' is ook een naam van {BORIS} (Boris); een naam of alias moet één vermelding aanduiden: "
        "kies een andere voor deze vermelding, of verwijder de alias [unique-alias]",
        f"{NEW}:76:11: fout: evidence.studies[0].id: het studie-id 'learn2work-evaluatie-2013' wordt ook gebruikt in interventions/learn2work.yaml; "
        "een studie-id moet uniek zijn in de catalogus: hernoem er een [unique-id]",
    ]
    for args in (["--changed-since", "HEAD~1"], [NEW]):
        result = run_cli("validate", *args, cwd=repo.path)
        assert result.exit_code == 1, args
        lines = result.stdout.splitlines()
        assert all(line.startswith(f"{NEW}:") for line in lines), args
        assert expected[0] in lines and expected[1] in lines, args
        assert sum("[unique-order]" in line and "interventions/learn2work.yaml" in line for line in lines) == 2  # its two table rows
    github = run_cli("validate", "--format", "github", "--changed-since", "HEAD~1", "--catalogue", repo.path).stdout.splitlines()
    assert len(github) == 4 and all(line.startswith(f"::error file={NEW},line=") for line in github)
    full = run_cli("validate", "--catalogue", repo.path)  # each clash once; which file is new it cannot know
    assert full.exit_code == 1 and len(full.stdout.splitlines()) == 4


def test_when_every_entry_is_checked_a_shared_value_is_placed_on_the_added_entry(repo: Repo, run_cli) -> None:
    add_copy_of_learn2work(repo)
    source = repo.path / "sources" / "hanzen-2015.yaml"
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a changed source: every entry is checked
    result = run_cli("validate", "--changed-since", "HEAD~1", "--catalogue", repo.path)
    lines = result.stdout.splitlines()
    assert result.exit_code == 1 and len(lines) == 4
    assert all(line.startswith(f"{NEW}:") for line in lines)


@pytest.mark.parametrize("rev", ["no-such-branch", "--output={tmp}/x", ""])
def test_an_unknown_revision_is_a_usage_error(rev: str, repo: Repo, run_cli, tmp_path: Path) -> None:
    rev = rev.format(tmp=tmp_path)  # a revision that git would read as an option writing a file
    for args in (["validate", "--changed-since", rev], ["diff", "--", rev]):
        result = run_cli(args[0], "--catalogue", repo.path, *args[1:])
        assert result.exit_code == 2, args
        assert "jwtool: fout: " in result.stderr and "git-revisie" in result.stderr
        assert "Traceback" not in result.output
    assert not (tmp_path / "x").exists()  # the revision was never read as git's --output option


def test_outside_a_git_repository_is_a_usage_error(catalogue_copy: Path, run_cli, english) -> None:
    for args in (["validate", "--changed-since", "HEAD"], ["diff", "HEAD"], ["history", "bridge"]):
        result = run_cli(*args, "--catalogue", catalogue_copy)
        assert result.exit_code == 2, args
        assert "is not inside a git repository" in result.stderr


# ----------------------------------------------------------------------------- diff: everything a pull request can change


@pytest.mark.slow
def test_diff_shows_a_new_source_file_and_a_changed_source_title_old_to_new(repo: Repo, run_cli, english) -> None:
    """The researcher's pull request: an entry citing a new evaluation, and a corrected title."""
    new_rel = add_entry(repo, run_cli)  # writes sources/evaluatie-proefaanpak.yaml too
    repo.edit("sources/folder-resultaten-ja.yaml", "title: ", "title: Gecorrigeerd - ")
    repo.commit("Proefaanpak met zijn evaluatie; titel gecorrigeerd")
    text = run_cli("diff", "HEAD~1", "HEAD", "--catalogue", repo.path).stdout
    lines = text.splitlines()
    assert lines[0].endswith(": 1 added; Sources: 1 added, 1 changed")
    assert f"added    proefaanpak  Proefaanpak  ({new_rel})" in lines
    assert "Sources: 1 added, 1 changed" in lines
    added = lines.index(next(line for line in lines if line.startswith("added    evaluatie-proefaanpak")))
    assert lines[added].endswith("(sources/evaluatie-proefaanpak.yaml)") and lines[added + 1] == "  id: + evaluatie-proefaanpak"
    changed = next(i for i, line in enumerate(lines) if line.startswith("changed  folder-resultaten-ja"))
    assert re.fullmatch(r"  title: (.+) → Gecorrigeerd - \1", lines[changed + 1])
    doc = json.loads(run_cli("diff", "HEAD~1", "HEAD", "--format", "json", "--catalogue", repo.path).stdout)
    assert doc["by_kind"]["sources"] == {"added": 1, "renamed": 0, "changed": 1, "removed": 0}
    [title] = next(s for s in doc["sources"] if s["id"] == "folder-resultaten-ja")["fields"]
    assert title["path"] == "title" and title["new"] == "Gecorrigeerd - " + title["old"]
    md = run_cli("diff", "HEAD~1", "HEAD", "--format", "md", "--catalogue", repo.path).stdout
    assert "#### Sources: added (1)" in md and "#### Sources: changed (1)" in md


@pytest.mark.slow
def test_diff_shows_a_removed_source_with_what_it_held(repo: Repo, run_cli) -> None:
    (repo.path / "sources" / "hanzen-2015.yaml").unlink()
    doc = json.loads(run_cli("diff", "HEAD", "--format", "json", "--catalogue", repo.path).stdout)
    [gone] = doc["sources"]
    assert (gone["status"], gone["old_file"], gone["file"]) == ("removed", "sources/hanzen-2015.yaml", "")
    assert {f["path"]: f["change"] for f in gone["fields"]}["title"] == "removed"


@pytest.mark.slow
def test_diff_shows_catalogue_yaml_vocabulary_terms_by_id_and_the_schema(repo: Repo, run_cli, english) -> None:
    repo.edit("catalogue.yaml", "title: Interventies aanpak jeugdwerkloosheid", "title: Interventies tegen jeugdwerkloosheid")
    repo.edit("schemas/vocabularies/phases.yaml", "label: Na de overgang (nazorg)", "label: Nazorg na school")
    vocab = repo.path / "schemas" / "vocabularies" / "goal-tags.yaml"
    text = vocab.read_text(encoding="utf-8")
    first = text.index("  - id: ")
    second = text.index("  - id: ", first + 1)
    vocab.write_text(text[:first] + text[second:] + text[first:second], encoding="utf-8")  # only the order of terms changed
    schema = repo.path / "schemas" / "intervention.schema.json"
    data = json.loads(schema.read_text(encoding="utf-8"))
    data["required"].append("goals")
    schema.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    result = run_cli("diff", "HEAD", "--catalogue", repo.path)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith(": no entry changed; catalogue.yaml: 1 changed; Vocabularies: 1 changed; Schemas: 1 changed")
    assert "  title: Interventies aanpak jeugdwerkloosheid → Interventies tegen jeugdwerkloosheid" in lines
    assert "  terms.nazorg.label: Na de overgang (nazorg) → Nazorg na school" in lines  # by the term's id, not its position
    assert not any("goal-tags" in line for line in lines)  # reordering terms changes nothing a user reads
    assert any(line.startswith("  required: ") and line.endswith(', "goals"]') for line in lines)  # the change in sight
    [schema_change] = json.loads(run_cli("diff", "HEAD", "--format", "json", "--catalogue", repo.path).stdout)["schemas"]
    assert schema_change["file"] == "schemas/intervention.schema.json" and schema_change["fields"][0]["new"][-1] == "goals"


@pytest.mark.slow
def test_a_change_at_the_end_of_a_long_text_is_shown_not_cut_off(repo: Repo, run_cli) -> None:
    """Shortened to one line, both sides of a change start just before the first word that differs,
    so that a reviewer sees what changed even at the end of a long text (text and md alike)."""
    repo.edit("interventions/zowhat.yaml", "jobcoaching en loonkostensubsidie.", "jobcoaching en loonkostensubsidies.")
    text = run_cli("diff", "HEAD", "--catalogue", repo.path).stdout
    [line] = [line for line in text.splitlines() if line.startswith("  activities: ")]
    old, new = line.removeprefix("  activities: ").split(" → ")
    assert old.startswith("…") and old.endswith("jobcoaching en loonkostensubsidie.") and new.endswith("jobcoaching en loonkostensubsidies.")
    assert len(old) <= 80 and len(new) <= 80
    md = run_cli("diff", "HEAD", "--format", "md", "--catalogue", repo.path).stdout
    [row] = [line for line in md.splitlines() if line.strip().startswith("| activities |")]
    assert "loonkostensubsidie. |" in row and "loonkostensubsidies. |" in row


def test_diff_markdown_escapes_source_text(repo: Repo, run_cli) -> None:
    repo.edit("sources/hanzen-2015.yaml", "title: ", "title: <script>x</script> [klik](javascript:alert(1)) | ")
    md = run_cli("diff", "HEAD", "--format", "md", "--catalogue", repo.path).stdout
    assert "<script>" not in md and "\\<script\\>" in md and "\\[klik\\](javascript:" in md
    row = next(line for line in md.splitlines() if line.strip().startswith("| title |"))
    assert row.count(" | ") == 3


@pytest.mark.slow
def test_diff_never_reads_a_symlinked_source(repo: Repo, run_cli, tmp_path: Path) -> None:
    secret = tmp_path / "geheim.yaml"
    secret.write_text("id: geheim\ntitle: GEHEIM\n", encoding="utf-8")
    (repo.path / "sources" / "geheim.yaml").symlink_to(secret)
    repo.commit("een link")
    for args in (("HEAD~1", "HEAD"), ("HEAD~1",)):
        assert "GEHEIM" not in run_cli("diff", *args, "--format", "json", "--catalogue", repo.path).stdout


# ----------------------------------------------------------------------------- diff


def test_diff_defaults_to_the_working_tree(repo: Repo, run_cli, english) -> None:
    repo.edit(BORIS, "  - Boris\n", "  - Boris\n  - BBB\n")
    result = run_cli("diff", "HEAD", "--catalogue", repo.path)
    assert result.exit_code == 0
    assert "to working tree: 1 changed" in result.stdout
    assert '  aliases: ["Boris brengt je bij een baan", "Boris"] → ["Boris brengt je bij een baan", "Boris", "BBB"]' in result.stdout


def test_no_changes_says_so(repo: Repo, run_cli, english) -> None:
    result = run_cli("diff", "HEAD", "--catalogue", repo.path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].endswith(": no entry changed")


@pytest.mark.slow
def test_a_renamed_file_with_a_new_id_is_a_rename_not_a_removal(repo: Repo, run_cli) -> None:
    repo.git("mv", "interventions/bridge.yaml", "interventions/bridge-rotterdam.yaml")
    repo.edit("interventions/bridge-rotterdam.yaml", "id: bridge\n", "id: bridge-rotterdam\n")
    repo.commit("Bridge hernoemd")
    doc = json.loads(run_cli("diff", "HEAD~1", "HEAD", "--format", "json", "--catalogue", repo.path).stdout)
    assert doc["summary"] == {"added": 0, "renamed": 1, "changed": 0, "removed": 0}
    [entry] = doc["entries"]
    assert entry["status"] == "renamed"
    assert (entry["old_file"], entry["file"]) == ("interventions/bridge.yaml", "interventions/bridge-rotterdam.yaml")
    assert (entry["old_id"], entry["id"]) == ("bridge", "bridge-rotterdam")
    assert entry["fields"] == [{"path": "id", "change": "changed", "old": "bridge", "new": "bridge-rotterdam"}]
    assert entry["similarity"] > 0.9


@pytest.mark.slow
def test_a_removed_entry_and_an_unrelated_added_entry_are_not_a_rename(repo: Repo, run_cli) -> None:
    (repo.path / "interventions" / "kix.yaml").unlink()
    add_entry(repo, run_cli)
    doc = json.loads(run_cli("diff", "HEAD", "--format", "json", "--catalogue", repo.path).stdout)
    assert [(e["status"], e["id"]) for e in doc["entries"]] == [("added", "proefaanpak"), ("removed", "kix")]
    assert doc["entries"][1]["old_file"] == "interventions/kix.yaml" and doc["entries"][1]["file"] == ""


@pytest.mark.slow
def test_items_of_a_list_are_aligned_not_shifted(repo: Repo, run_cli) -> None:
    repo.edit(BORIS, "working_elements:\n", "working_elements:\n  - text: Nieuw element\n    elements: [maatwerk]\n")
    doc = json.loads(run_cli("diff", "HEAD", "--format", "json", "--catalogue", repo.path).stdout)
    assert doc["entries"][0]["fields"] == [
        {"path": "working_elements[0]", "change": "added", "old": None, "new": {"text": "Nieuw element", "elements": ["maatwerk"]}},
    ]


@pytest.mark.slow
def test_diff_json_is_one_document_with_ids_and_names(repo: Repo, run_cli) -> None:
    repo.edit(BORIS, "level: niet-onderzocht", "level: eerste-aanwijzingen")
    result = run_cli("diff", "HEAD", "--format", "json", "--catalogue", repo.path)
    doc = json.loads(result.stdout)
    assert list(doc) == ["from", "to", "summary", "by_kind", "entries", "sources", "catalogue", "vocabularies", "schemas"]
    assert doc["from"]["rev"] == "HEAD" and len(doc["from"]["commit"]) == 40
    assert doc["to"] == {"rev": "working tree", "commit": None}
    assert doc["entries"][0]["id"] == "boris-brengt-je-bij-een-baan"
    assert doc["entries"][0]["name"] == "Boris brengt je bij ‘n baan"  # UTF-8, not \u escapes
    assert "‘n baan" in result.stdout
    assert run_cli("diff", "HEAD", "--format", "json", "--catalogue", repo.path).stdout == result.stdout


def test_diff_markdown_is_a_pr_comment_that_escapes_entry_text(repo: Repo, run_cli, english) -> None:
    repo.edit(BORIS, "name: Boris brengt je bij ‘n baan", "name: \"<script>x</script> [klik](javascript:alert(1)) | *\"")
    result = run_cli("diff", "HEAD", "--format", "md", "--catalogue", repo.path)
    assert result.exit_code == 0
    md = result.stdout
    assert md.startswith("<!-- jwtool-diff -->\n### Catalogue changes: HEAD")
    assert "#### Changed (1)" in md
    assert "| Field | Old | New |" in md
    assert "<script>" not in md
    assert "\\<script\\>" in md and "\\[klik\\](javascript:" in md  # shown as text, never a tag or link
    row = next(line for line in md.splitlines() if line.strip().startswith("| name |"))
    assert row.count(" | ") == 3  # the | in the name cannot add a column


def test_an_unreadable_file_is_reported_not_a_crash(repo: Repo, run_cli, english) -> None:
    (repo.path / BORIS).write_text("id: [unclosed\n", encoding="utf-8")
    result = run_cli("diff", "HEAD", "--catalogue", repo.path)
    assert result.exit_code == 0
    assert "cannot be read: " in result.stdout and "[yaml-syntax]" in result.stdout


def test_diff_rejects_an_unknown_format(repo: Repo, run_cli) -> None:
    result = run_cli("diff", "HEAD", "--format", "html", "--catalogue", repo.path)
    assert result.exit_code == 2
    assert "'html' is geen van de mogelijke waarden; kies uit: text, md, json" in result.stderr


def test_diff_help_has_an_example(run_cli) -> None:
    diff_help = " ".join(run_cli("diff", "--help").stdout.split())
    assert "Voorbeeld: jwtool diff" in diff_help
    assert all(part in diff_help for part in ("bronnen (sources/)", "catalogue.yaml", "woordenlijsten", "schema's"))  # all it covers
    assert "Voorbeeld: jwtool history" in run_cli("history", "--help").stdout


# ----------------------------------------------------------------------------- history


def test_history_lists_the_commits_of_an_entry_newest_first(repo: Repo, run_cli, english) -> None:
    repo.edit(BORIS, "level: niet-onderzocht", "level: eerste-aanwijzingen")
    repo.commit("Boris: bewijskracht herzien", author="Bea Reviewer")
    repo.edit("interventions/bridge.yaml", "kind: interventie", "kind: interventie\n")
    repo.commit("Bridge: witregel")
    result = run_cli("history", "boris", "--catalogue", repo.path)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Boris brengt je bij ‘n baan ({BORIS}): 2 changes"
    assert lines[1].startswith("2024-03-01  ") and lines[1].endswith("  Bea Reviewer: Boris: bewijskracht herzien")
    assert lines[2].endswith("  Ada Onderzoeker: Catalogus")
    assert len(lines) == 3


def test_history_of_an_entry_named_by_its_file_shows_its_name(repo: Repo, run_cli) -> None:
    by_file = json.loads(run_cli("history", BORIS, "--format", "json", "--catalogue", repo.path, cwd=repo.path).stdout)
    by_id = json.loads(run_cli("history", "boris", "--format", "json", "--catalogue", repo.path).stdout)
    assert by_file == by_id
    assert by_file["name"] == "Boris brengt je bij ‘n baan"


@pytest.mark.slow
def test_history_follows_renames(repo: Repo, run_cli) -> None:
    repo.git("mv", "interventions/bridge.yaml", "interventions/bridge-rotterdam.yaml")
    repo.edit("interventions/bridge-rotterdam.yaml", "id: bridge\n", "id: bridge-rotterdam\n")
    repo.commit("Bridge hernoemd")
    doc = json.loads(run_cli("history", "bridge-rotterdam", "--format", "json", "--catalogue", repo.path).stdout)
    assert list(doc) == ["id", "name", "file", "changes"]
    assert [c["message"] for c in doc["changes"]] == ["Bridge hernoemd", "Catalogus"]
    assert [c["file"] for c in doc["changes"]] == ["interventions/bridge-rotterdam.yaml", "interventions/bridge.yaml"]
    assert doc["changes"][0]["date"] == "2024-03-01T10:00:00+01:00"
    assert list(doc["changes"][0]) == ["commit", "date", "author", "message", "file"]


def test_history_of_a_removed_entry_by_its_id(repo: Repo, run_cli) -> None:
    (repo.path / "interventions" / "kix.yaml").unlink()
    repo.commit("KIX verwijderd")
    result = run_cli("history", "kix", "--catalogue", repo.path)
    assert result.exit_code == 0, result.stderr
    assert [line.split(": ", 1)[1] for line in result.stdout.splitlines()[1:]] == ["KIX verwijderd", "Catalogus"]


def test_history_of_a_new_uncommitted_entry_is_empty(repo: Repo, run_cli) -> None:
    add_entry(repo, run_cli)
    result = run_cli("history", "proefaanpak", "--catalogue", repo.path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "heeft nog geen vastgelegde geschiedenis" in result.stderr
    doc = json.loads(run_cli("history", "proefaanpak", "--format", "json", "--catalogue", repo.path).stdout)
    assert doc["changes"] == []


def test_history_of_an_unknown_entry_exits_1_like_show(repo: Repo, run_cli, english) -> None:
    result = run_cli("history", "bestaat-niet", "--catalogue", repo.path)
    assert result.exit_code == 1  # "no such entry", as show, compare and cite (README)
    assert "no entry 'bestaat-niet'" in result.stderr


# ----------------------------------------------------------------------------- shallow clones


@pytest.fixture
def shallow(repo: Repo, tmp_path: Path) -> Path:
    """A clone at depth 1 (as GitHub Actions checks out) of a repository with two commits, the
    second changing boris."""
    repo.edit(BORIS, "level: niet-onderzocht", "level: eerste-aanwijzingen")
    repo.commit("Boris: bewijskracht herzien")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.path.as_uri(), str(clone)], check=True, capture_output=True, env={**os.environ, **GIT_ENV})
    return clone


def test_a_long_insertion_is_shown_whole(repo: Repo, run_cli) -> None:
    # the text diff shows each side up to the end of what changed in it, not the first 80 characters of the change
    added = " en een vaste werkmeester die hen helpt bij het vinden van werk en bij het leren van de vaardigheden die daarvoor nodig zijn"
    repo.edit("interventions/zowhat.yaml", "jobcoaching en loonkostensubsidie.", f"jobcoaching en loonkostensubsidie{added}.")
    [line] = [line for line in run_cli("diff", "HEAD", "--catalogue", repo.path).stdout.splitlines() if line.startswith("  activities: ")]
    old, new = line.removeprefix("  activities: ").split(" → ")
    assert old.endswith("loonkostensubsidie.") and new.endswith(f"loonkostensubsidie{added}.")


@pytest.mark.slow
def test_history_in_a_shallow_clone_says_where_it_is_cut(shallow: Path, run_cli) -> None:
    head = Repo(shallow).git("rev-parse", "HEAD").strip()
    result = run_cli("history", "boris", "--catalogue", shallow)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    # the cut commit is where the clone's history starts, not a known change of the file
    assert lines[0].endswith(f"({BORIS}): 0 wijzigingen sinds de afkapping bij {head[:10]} (ondiepe kloon)")
    assert lines[-1] == f"…  geschiedenis hier afgekapt bij {head[:10]}: oudere wijzigingen staan niet in deze kloon"
    assert f"de geschiedenis van {BORIS} is afgekapt bij commit {head[:10]}" in result.stderr
    assert "git fetch --unshallow" in result.stderr and "fetch-depth: 0" in result.stderr
    doc = json.loads(run_cli("history", "boris", "--format", "json", "--catalogue", shallow).stdout)
    assert doc["cut_at"] == head and doc["changes"] == []


@pytest.mark.parametrize("command", [["diff", "HEAD~1"], ["validate", "--changed-since", "HEAD~1"]])
def test_a_revision_beyond_a_shallow_clone_says_how_to_fetch_it(shallow: Path, run_cli, command: list[str], english) -> None:
    result = run_cli(*command, "--catalogue", shallow)
    assert result.exit_code == 2
    assert "unknown git revision 'HEAD~1': this is a shallow clone" in result.stderr
    assert "git fetch --unshallow" in result.stderr and "fetch-depth: 0" in result.stderr


@pytest.mark.slow
def test_a_complete_history_has_no_cut(repo: Repo, run_cli) -> None:
    result = run_cli("history", "boris", "--catalogue", repo.path)
    assert "cut" not in result.output and "shallow" not in result.output
    assert "cut_at" not in json.loads(run_cli("history", "boris", "--format", "json", "--catalogue", repo.path).stdout)
    assert "shallow" not in run_cli("diff", "HEAD~1", "--catalogue", repo.path).stderr


# ----------------------------------------------------------------------------- --format github


def test_github_format_is_a_workflow_command_per_problem(empty_catalogue: Path, run_cli, english) -> None:
    (empty_catalogue / "interventions" / "kapot.yaml").write_text("id: kapot\nname: Kapot\nkind: project\n", encoding="utf-8")
    result = run_cli("validate", "--format", "github", "--catalogue", empty_catalogue)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::error file=interventions/kapot.yaml,line=") for line in lines)
    assert "::error file=interventions/kapot.yaml,line=3,col=7,title=schema::kind: 'project' is not one of: interventie, praktijkvoorbeeld [schema]" in lines


def test_github_format_escapes_what_would_break_the_command() -> None:
    p = Problem("interventions/a,b:c.yaml", 2, 5, "schema", "100% wrong\nsecond line", "/summary")
    assert p.format_github() == "::error file=interventions/a%2Cb%3Ac.yaml,line=2,col=5,title=schema::summary: 100%25 wrong%0Asecond line [schema]"
    w = Problem("interventions/a.yaml", 1, 1, "year", "old", severity="warning")
    assert w.format_github() == "::warning file=interventions/a.yaml,line=1,col=1,title=year::old [year]"


def test_github_format_with_changed_since(repo: Repo, run_cli, english) -> None:
    repo.edit(BORIS, "level: niet-onderzocht", "level: sterk")
    result = run_cli("validate", "--format", "github", "--changed-since", "HEAD", "--catalogue", repo.path)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"::error file={BORIS},line=")
    assert "did you mean 'sterke-aanwijzingen'?" in result.stdout


@pytest.mark.slow
def test_diff_markdown_mentions_nobody(repo: Repo, run_cli) -> None:
    repo.edit(BORIS, "name: Boris brengt je bij ‘n baan", "name: \"Dank aan @octocat en @github/reviewers (mail info@example.org)\"")
    md = run_cli("diff", "HEAD", "--format", "md", "--catalogue", repo.path).stdout
    assert "octocat" in md and "github/reviewers" in md
    assert re.search(r"(?<![A-Za-z0-9_])@[A-Za-z0-9]", md) is None  # what GitHub would link and notify
    assert "@\u200d" + "octocat" in md and "info@example.org" in md  # shown as written; an e-mail address left alone
    assert "@octocat" in run_cli("diff", "HEAD", "--catalogue", repo.path).stdout  # plain text is not Markdown
