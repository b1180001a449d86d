"""A new entry from a submitted GitHub issue form (``jwtool new --from-issue FILE``), for
contributors without git.

GitHub writes a form as Markdown: each question's label as a ``### `` heading, the answer below
(``_No response_`` when empty), a dropdown's choices comma-separated, a checkbox as ``- [X] label``.
Headings are looked for in the order of :data:`QUESTIONS` only (a test keeps
``.github/ISSUE_TEMPLATE`` equal to it), so an answer cannot reorder or repeat a question.
The body is untrusted: bounded, control and bidirectional-override characters refused, every
answer checked as ``jwtool new`` checks its options and written by the scaffold as one YAML scalar
(no answer can add a key, a document or a tag). An unanswered question leaves its field out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jwtool.catalogue.sources import Library
from jwtool.catalogue.text import http_url
from jwtool.catalogue.vocabularies import Vocabulary
from jwtool.contribute.newsource import SOURCE_KINDS, SourceChoice, SourceError, by_id, compare, new_or_existing
from jwtool.contribute.scaffold import KINDS, Draft, ScaffoldError, check_choice, check_name, check_sections, check_slug, check_terms
from jwtool.labels import Message, os_error
from jwtool.validate.rules import term_key

MAX_BODY = 65_536  # characters: GitHub's limit for an issue body
MAX_ANSWER = 20_000  # characters in one answer (a verbatim description fits many times over)
MAX_LINE_ANSWER = 300  # characters in a one-line answer (a name, a link, a title)
NO_RESPONSE = "_No response_"
DONT_KNOW = "weet ik niet"


@dataclass(frozen=True)
class Question:
    """One question of the form: its id, its label (the heading GitHub writes) and what it fills."""

    id: str
    label: str
    kind: str  # input | textarea | dropdown | checkboxes
    description: str
    required: bool = False
    options: tuple[str, ...] = ()
    multiple: bool = False
    target: str = ""  # the entry field a free-text answer fills (a dotted path of the scaffold)
    lines: bool = False  # one item per line (components, working elements)


QUESTIONS: tuple[Question, ...] = (
    Question("name", "Naam (name)", "input", "Zoals de bron hem schrijft.", required=True),
    Question("kind", "Soort (kind)", "dropdown", "Wat het is. Of het een rij is van een tabel in de bron, volgt alleen uit de vindplaats "
             "die de beheerder toevoegt; daar hoeft u niets voor te doen.", required=True, options=KINDS),
    Question("source", "Bron (source)", "input", "De http(s)-link van de bron (rapport, evaluatie, factsheet, website), de id van een bron "
             "die al in sources/ staat, of de titel van een bron zonder link.", required=True),
    Question("source_title", "Titel van de bron (source title)", "input", "Alleen voor een nieuwe bron: de titel zoals de bron hem geeft."),
    Question("source_kind", "Soort bron (source kind)", "dropdown", "Alleen voor een nieuwe bron.", options=SOURCE_KINDS),
    Question("source_year", "Jaar van de bron (source year)", "input", "Alleen voor een nieuwe bron, als de bron het noemt, bijv. 2025."),
    Question("sections", "Vindplaats in de bron (sections)", "input", "Paragrafen of hoofdstukken van de bron die het bespreken, "
             "gescheiden door komma's, bijv. 4.1, 4.2."),
    Question("page", "Pagina's (page)", "input", "Pagina of pagina's in de bron, bijv. 12-14."),
    Question("summary", "Samenvatting (summary)", "textarea", "Een of twee zinnen, zoveel mogelijk in de woorden van de bron.", required=True),
    Question("phases", "Fasen (phases)", "dropdown", "In welke fase(n) worden jongeren ondersteund?", required=True, multiple=True),
    Question("target_group", "Doelgroep (target_group)", "textarea", "De beschrijving van de doelgroep, letterlijk uit de bron.",
             required=True, target="target_group.description"),
    Question("providers", "Uitvoerders (providers)", "textarea", "Wie voert het uit, wie is opdrachtgever, wie ontwikkelde het? Letterlijk "
             "uit de bron.", target="providers.description"),
    Question("goals", "Doelstelling (goals)", "textarea", "De doelstelling, letterlijk uit de bron.", target="goals.description"),
    Question("components", "Onderdelen (components)", "textarea", "De onderdelen van de aanpak als de bron ze opsomt, één per regel.",
             target="components", lines=True),
    Question("activities", "Aanpak / activiteiten (activities)", "textarea", "De beschrijving van de aanpak, letterlijk uit de bron.",
             target="activities"),
    Question("course", "Verloop (course)", "textarea", "Start, looptijd en omvang, letterlijk uit de bron.", target="course.description"),
    Question("results", "Resultaten / ervaringen (results)", "textarea", "De resultaten of ervaringen, letterlijk uit de bron, met alle "
             "cijfers.", target="results.description"),
    Question("evidence_verdict", "Effecten / bewijskracht (evidence.verdict)", "textarea", "Het oordeel van de bron over effecten en "
             "bewijskracht, letterlijk; noem welke studies de bron beschrijft.", target="evidence.verdict"),
    Question("evidence_level", "Niveau op de bewijsladder (evidence.level)", "dropdown", "Zie de definities in CONTRIBUTING.md; kies "
             f"'{DONT_KNOW}' als u twijfelt, de beheerder beslist.", required=True),
    Question("working_elements", "(Mogelijk) werkzame elementen (working_elements)", "textarea", "Alleen als de bron ze noemt: elke "
             "formulering letterlijk, één per regel. Leeg laten als de bron er geen noemt.", target="working_elements", lines=True),
    Question("notes", "Notities (notes)", "textarea", "Tegenstrijdigheden in de bron of keuzes die u maakte.", target="notes"),
)
CHECKS = ("Ik heb bij elk feit de bron genoemd (paragraaf, pagina of studie).", "De tekst is letterlijk overgenomen uit de bron.")
CHECKS_LABEL = "Controle"


class IssueFormError(ScaffoldError):
    """An issue body that is not a filled-in form, or an answer that cannot be used (a usage error)."""


# Characters that no answer may hold: control characters (Unicode's Cc) other than tab and newline,
# and the bidirectional overrides that make text read differently from how it is stored.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _clean(question: Question, text: str) -> str:
    if bad := _INVISIBLE.search(text):
        char = f"U+{ord(bad.group()):04X}"
        raise IssueFormError(Message("error.form.invisible", question=repr(question.label), char=char))
    limit = MAX_ANSWER if question.kind == "textarea" else MAX_LINE_ANSWER
    if len(text) > limit:
        raise IssueFormError(Message("error.form.too_long", question=repr(question.label), length=len(text), limit=limit))
    return text


def read_body(path: Path) -> str:
    """The issue body GitHub sent, from a file; bounded before it is read whole."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BODY * 4 + 1)  # UTF-8: at most 4 bytes a character
    except OSError as exc:
        raise IssueFormError(Message("error.cannot_read", path=str(path), error=os_error(exc))) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise IssueFormError(Message("error.form.not_utf8", path=str(path))) from None
    if len(raw) > MAX_BODY * 4 or len(text) > MAX_BODY:
        raise IssueFormError(Message("error.form.body_too_long", path=str(path), limit=MAX_BODY))
    return text


def parse_body(body: str) -> dict[str, str]:
    """Question id -> answer ("" when unanswered) from a form body as GitHub writes it."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts: list[int] = []  # the line of each heading; the checks' may be missing (then: the end)
    for label in [*(q.label for q in QUESTIONS), CHECKS_LABEL]:
        found = next((i for i in range(starts[-1] + 1 if starts else 0, len(lines)) if lines[i].strip() == f"### {label}"), None)
        if found is None and label != CHECKS_LABEL:
            raise IssueFormError(Message("error.form.no_question", question=repr(label)))
        starts.append(len(lines) if found is None else found)
    answers: dict[str, str] = {}
    for n, q in enumerate(QUESTIONS):
        text = "\n".join(lines[starts[n] + 1:starts[n + 1]]).strip()
        answers[q.id] = "" if text == NO_RESPONSE else _clean(q, text)
    checks = "\n".join(lines[starts[-1] + 1:])
    answers["checks"] = ",".join(str(i) for i, label in enumerate(CHECKS) if f"- [X] {label}" in checks or f"- [x] {label}" in checks)
    return answers


def _one_line(question: Question, text: str) -> str:
    if "\n" in text:
        raise IssueFormError(Message("error.form.one_line", question=repr(question.label)))
    return text.strip()


def _items(text: str) -> list[str]:
    """One item per non-empty line, a leading list marker removed."""
    items = (re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", line).strip() for line in text.split("\n"))
    return [item for item in items if item]


def draft_from_answers(answers: dict[str, str], vocab: dict[str, Vocabulary], library: Library) -> tuple[Draft, SourceChoice]:
    """The draft of the new entry and the source it cites, from the form's answers."""
    q = {x.id: x for x in QUESTIONS}
    for question in QUESTIONS:
        if question.required and not answers.get(question.id):
            raise IssueFormError(Message("error.form.unanswered", question=repr(question.label)))
    draft = Draft(name=check_name(_one_line(q["name"], answers["name"])))
    draft.id = check_slug(draft.slug)
    draft.kind = check_choice(answers["kind"], KINDS, Message("error.what.kind"))
    draft.summary = answers["summary"]
    draft.phases = check_terms([answers["phases"]], vocab["phases"], Message(term_key("phases")))
    level = answers["evidence_level"]
    draft.evidence_level = "" if level == DONT_KNOW else check_terms([level], vocab["evidence-levels"], Message(term_key("evidence-levels")))[0]
    draft.sections = check_sections([_one_line(q["sections"], answers["sections"])]) if answers["sections"] else []
    chosen = _source(answers, q, library)
    draft.source = chosen.id
    values: dict[str, Any] = {}
    if answers["page"]:
        values["cites.page"] = _one_line(q["page"], answers["page"])
    for question in [x for x in QUESTIONS if x.target]:
        text = answers.get(question.id, "")
        if not text:  # "leave a question empty if the source says nothing about it": no field, not a placeholder
            values[question.target] = None
        elif question.lines:
            values[question.target] = [{"text": item} for item in _items(text)]
        elif question.target == "notes":
            values["notes"] = [text]
        else:
            values[question.target] = text
    draft.values = values
    return draft, chosen


def _source(answers: dict[str, str], q: dict[str, Question], library: Library) -> SourceChoice:
    """The source the entry cites: an id of sources/, or a new (or known) source by its link or title.
    Title, kind and year are for a new source; given for one that exists, each that the record says
    differently is noted on the choice (``differs``), so the contributor hears it was not used."""
    given = _one_line(q["source"], answers["source"])
    title = _one_line(q["source_title"], answers["source_title"]) or None
    kind = check_choice(answers["source_kind"], SOURCE_KINDS, Message("error.what.source_kind")) if answers["source_kind"] else None
    year = answers["source_year"].strip()
    if year and not re.fullmatch(r"(19|20)\d\d", year):
        raise IssueFormError(Message("error.form.no_year", question=repr(q["source_year"].label), value=repr(year[:20])))
    known = library.get(given)
    if known is not None:
        return compare(by_id(library, given), known, title, kind, year)
    if http_url(given):
        chosen = new_or_existing(library, title, given, kind, year)
    elif "://" in given or given.lower().startswith(("javascript:", "data:", "vbscript:")):
        raise SourceError(Message("error.form.not_http", question=repr(q["source"].label), value=repr(given[:80])))
    else:  # a source without a link: known by its title
        chosen = new_or_existing(library, title or given, None, kind, year)
    if chosen.record is not None and year:
        chosen.record["issued"] = {"date-parts": [[int(year)]]}
    return chosen


def draft_from_issue(path: Path, vocab: dict[str, Vocabulary], library: Library) -> tuple[Draft, SourceChoice]:
    """``jwtool new --from-issue FILE``: the draft and its source from a saved issue body."""
    return draft_from_answers(parse_body(read_body(path)), vocab, library)


def form(vocab: dict[str, Vocabulary]) -> dict[str, Any]:
    """The issue form (``.github/ISSUE_TEMPLATE/nieuwe-interventie.yml``) as data, with the
    vocabularies' current ids for the dropdowns of phases and levels."""
    options = {"phases": tuple(t.id for t in vocab["phases"].ordered()),
               "evidence_level": (*(t.id for t in vocab["evidence-levels"].ordered()), DONT_KNOW)}
    body: list[dict[str, Any]] = [{"type": "markdown", "attributes": {"value": (
        "Neem de tekst **letterlijk** over uit de bron (ook tikfouten); vat niet samen. Laat een vraag leeg als de bron er "
        "niets over zegt. Na het versturen maakt een workflow er een pull request van met de nieuwe vermelding (en de bron), "
        "controleert die met `jwtool validate` en zet de uitkomst hier als reactie. Zie CONTRIBUTING.md.")}}]
    for question in QUESTIONS:
        attributes: dict[str, Any] = {"label": question.label, "description": question.description}
        opts = question.options or options.get(question.id, ())
        if opts:
            attributes["options"] = list(opts)
        if question.multiple:
            attributes["multiple"] = True
        block: dict[str, Any] = {"type": question.kind, "id": question.id, "attributes": attributes}
        if question.required:
            block["validations"] = {"required": True}
        body.append(block)
    body.append({"type": "checkboxes", "id": "checks", "attributes": {"label": CHECKS_LABEL, "options": [{"label": c, "required": True} for c in CHECKS]}})
    return {"name": "Nieuwe interventie of praktijkvoorbeeld", "description": "Stel een interventie of praktijkvoorbeeld uit een bron voor, zonder git.",
            "title": "Nieuwe vermelding: ", "labels": ["nieuwe-entry"], "body": body}
