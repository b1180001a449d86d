"""A new entry to fill in: every field of the schema, a Dutch comment above each, placeholders.

Contributors mostly know YAML and git only a little; a file that already holds every field,
says in Dutch what belongs there (with an example from the report) and fails ``jwtool validate``
until each ``<vul in: …>`` is replaced or removed, guides them better than a blank page.

The file is written as text, not dumped, so that comments sit above the fields they explain.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jwtool.catalogue import Layout
from jwtool.textnorm import slugify
from jwtool.vocab import Vocabulary

MODELINE = "# yaml-language-server: $schema=../schemas/intervention.schema.json"
KINDS = ("interventie", "praktijkvoorbeeld")
SOURCE_KINDS = ("evaluatie", "factsheet", "beschrijving", "website", "rapport")
TABLES = ("B2.1", "B2.2")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://\S+$")
_PLAIN = re.compile(r"^[a-z][a-z0-9-]*$|^\d{4}-\d{2}-\d{2}$")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


class ScaffoldError(ValueError):
    """A value given for the new entry that cannot be used (a usage error)."""


def placeholder(hint: str) -> str:
    """The marker that ``jwtool validate`` reports (rule ``placeholder``) until it is replaced."""
    return f"<vul in: {hint}>"


@dataclass
class Draft:
    """What is known about the new entry before the contributor opens the file."""

    name: str
    kind: str = "interventie"
    id: str = ""
    summary: str | None = None
    phases: list[str] = field(default_factory=list)
    evidence_level: str | None = None
    source_title: str | None = None
    source_url: str | None = None
    source_kind: str | None = None
    report: str | None = None
    table: str | None = None
    order: int | None = None
    sections: list[str] = field(default_factory=list)
    last_reviewed: str | None = None

    @property
    def slug(self) -> str:
        return self.id or slugify(self.name)


# ----------------------------------------------------------------------------- checking values


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ScaffoldError("the name is empty; give the name as the report writes it")
    return name


def check_slug(slug: str) -> str:
    if not slug:
        raise ScaffoldError("cannot make an id from this name; pass one with --id, e.g. --id mijn-aanpak")
    if not _SLUG.match(slug) or len(slug) > 80:
        raise ScaffoldError(f"{slug!r} is not a valid id: use lower-case letters, digits and hyphens, e.g. {slugify(slug) or 'mijn-aanpak'!r}")
    return slug


def check_choice(value: str, options: tuple[str, ...], what: str) -> str:
    if value not in options:
        raise ScaffoldError(f"unknown {what} {value!r}; choose one of: {', '.join(options)}")
    return value


def check_terms(values: list[str], vocab: Vocabulary, what: str) -> list[str]:
    """Vocabulary ids for ids, labels or synonyms; an unknown value lists the valid ids."""
    out: list[str] = []
    for raw in values:
        for value in (v.strip() for v in raw.split(",")):
            if not value:
                continue
            term = vocab.resolve(value)
            if term is None:
                raise ScaffoldError(f"unknown {what} {value!r}; choose one of: {', '.join(t.id for t in vocab.ordered())}")
            if term not in out:
                out.append(term)
    return out


def check_url(url: str) -> str:
    url = url.strip()
    if not _URL.match(url):
        raise ScaffoldError(f"{url!r} is not an http(s) URL; only http:// and https:// links are allowed")
    return url


def check_date(value: str) -> str:
    try:
        day = _dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ScaffoldError(f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2026-11-28") from None
    if day > _dt.date.today():
        raise ScaffoldError(f"{value} lies in the future")
    return day.isoformat()


def check_sections(values: list[str]) -> list[str]:
    out: list[str] = []
    for raw in values:
        for value in (v.strip() for v in raw.split(",")):
            if value and value not in out:
                out.append(value)
    return out


# ----------------------------------------------------------------------------- the template


@dataclass
class Field:
    key: str
    comment: str
    value: Any  # a scalar, a list of scalars, a Map or an Items


@dataclass
class Map:
    fields: list[Field]


@dataclass
class Items:
    """A list of mappings; the template shows one item to copy."""

    items: list[Map]


def _ids(vocab: dict[str, Vocabulary], name: str, limit: int = 12) -> str:
    v = vocab.get(name)
    terms = [t.id for t in v.ordered()] if v else []
    shown = ", ".join(terms[:limit])
    return shown + (f" … ({len(terms)} in totaal)" if len(terms) > limit else "")


def _ladder(vocab: dict[str, Vocabulary]) -> str:
    v = vocab.get("evidence-levels")
    return " < ".join(t.id for t in v.ordered()) if v else "schemas/vocabularies/evidence-levels.yaml"


def template(draft: Draft, vocab: dict[str, Vocabulary]) -> list[Field]:
    """Every field of the entry schema, in the order of schemas/ENTRY-FORMAT.md."""
    P = placeholder
    d = draft
    practice = d.kind == "praktijkvoorbeeld"
    level = d.evidence_level or ("niet-onderzocht" if practice else P("niveau van de bewijsladder"))
    provenance = [
        Field("report", "(verplicht) Id van het rapport in catalogue.yaml waar de entry uit komt. Voorbeeld: kwetsbare-jongeren-2023",
              d.report or P("id van het rapport uit catalogue.yaml")),
    ]
    if not practice:
        provenance += [
            Field("table", "Bijlagetabel van de rij: B2.1 (tijdens de schoolloopbaan) of B2.2 ((voortijdige) schoolverlaters). Voorbeeld: B2.1",
                  d.table or P("B2.1 of B2.2")),
            Field("summary_table", "Tabel in hoofdstuk 3 waar de interventie kort staat: \"3.1\" of \"3.2\"; weghalen als ze daar niet staat. Voorbeeld: \"3.1\"",
                  P("3.1 of 3.2")),
            Field("order", "Plaats van de rij in de bijlagetabel (1 = eerste rij). Voorbeeld: 1",
                  d.order if d.order is not None else P("rijnummer in de bijlagetabel")),
        ]
    provenance.append(Field(
        "sections",
        "(verplicht) Elke paragraaf van het rapport die de entry bespreekt. Voorbeeld: [\"3.1\", \"3.2\", \"5.1\", \"bijlage 2\"]"
        + ("; voor een praktijkvoorbeeld de paragrafen van het hoofdstuk, bijv. [\"5.1\", \"bijlage 1\"]" if practice else ""),
        d.sections or [P("paragraaf, bijv. 3.1")],
    ))
    return [
        Field("id", "(verplicht) Korte naam van de entry: kleine letters, cijfers en '-'; gelijk aan de bestandsnaam. Voorbeeld: boris-brengt-je-bij-een-baan",
              d.slug),
        Field("name", "(verplicht) Naam zoals het rapport hem schrijft (voor interventies: bijlagetabel B2.x). Voorbeeld: Boris brengt je bij ‘n baan",
              d.name),
        Field("aliases", "Andere namen die het rapport gebruikt (tabel 3.x, lopende tekst); weghalen als er geen zijn. Voorbeeld: [Boris brengt je bij een baan, Boris]",
              [P("andere naam")]),
        Field("kind", "(verplicht) interventie (een rij van bijlage 2) of praktijkvoorbeeld (hoofdstuk 4-6, bijlage 1).", d.kind),
        Field("summary", "(verplicht) Een of twee zinnen, zoveel mogelijk in de woorden van het rapport. Voorbeeld: Samen met de werkgever wordt voor een "
              "leerling uit het vso-/pro-onderwijs een maatwerktraject afgestemd op basis van diens mogelijkheden en wensen.",
              d.summary or P("een of twee zinnen uit het rapport")),
        Field("providers", "Wie het uitvoert, in opdracht geeft of ontwikkelde; alleen wat het rapport noemt.", Map([
            Field("description", "Letterlijke tekst onder de naam in de kolom 'Interventie'. Voorbeeld: \"Uitvoerders: SBB en SPSO, in opdracht van OCW.\"",
                  P("letterlijke tekst over de uitvoerders")),
            Field("organisations", "Uitvoerende organisaties, zoals geschreven. Voorbeeld: [SBB, SPSO]", [P("organisatie")]),
            Field("commissioned_by", "Opdrachtgevers of financiers, alleen als genoemd. Voorbeeld: [OCW]", [P("opdrachtgever")]),
            Field("developed_by", "Ontwikkelaars, alleen als genoemd. Voorbeeld: [Movisie]", [P("ontwikkelaar")]),
        ])),
        Field("region", "Waar het loopt, alleen als genoemd; anders het hele blok weghalen.", Map([
            Field("scope", "landelijk, regionaal (arbeidsmarktregio of meerdere gemeenten) of lokaal (één gemeente of school). Voorbeeld: regionaal",
                  P("landelijk, regionaal of lokaal")),
            Field("names", "Namen van regio's of gemeenten, zoals geschreven. Voorbeeld: [Achterhoek]", [P("regio of gemeente")]),
        ])),
        Field("phases", f"(verplicht) Fasen waarin jongeren worden ondersteund; ids uit schemas/vocabularies/phases.yaml: {_ids(vocab, 'phases')}. "
              "Voorbeeld: [tijdens-school]", d.phases or [P("fase")]),
        Field("target_group", "(verplicht) Doelgroep: de letterlijke tekst plus afgeleide velden.", Map([
            Field("description", "(verplicht) Letterlijke kolom 'Doelgroep' van bijlage 2 (of de woorden van het hoofdstuk). Voorbeeld: "
                  "Jongeren uit vso/pro, die wel kunnen werken, maar geen volledige kwalificatie kunnen behalen.",
                  P("letterlijke doelgroep uit het rapport")),
            Field("summary", "Letterlijke 'Doelgroep' uit tabel 3.1/3.2. Voorbeeld: Vso/pro met uitstroomprofiel werk", P("doelgroep uit tabel 3.1 of 3.2")),
            Field("education_levels", f"Onderwijssoorten en -niveaus; ids uit schemas/vocabularies/education-levels.yaml: {_ids(vocab, 'education-levels')}. "
                  "Voorbeeld: [vso, pro]", [P("onderwijsniveau")]),
            Field("age", "Leeftijd in jaren, alleen als genoemd; min of max mag ontbreken. Voorbeeld: {min: 16, max: 27}", Map([
                Field("min", "Jongste leeftijd. Voorbeeld: 16", P("minimumleeftijd")),
                Field("max", "Oudste leeftijd. Voorbeeld: 27", P("maximumleeftijd")),
            ])),
            Field("characteristics", "Kenmerken van de doelgroep; ids uit schemas/vocabularies/target-characteristics.yaml: "
                  f"{_ids(vocab, 'target-characteristics')}. Voorbeeld: [geen-startkwalificatie]", [P("kenmerk")]),
        ])),
        Field("goals", "Doelstelling: de letterlijke tekst plus soort doel.", Map([
            Field("description", "Letterlijke kolom 'Doelstelling'. Voorbeeld: Leerlingen naar een passende baan leiden.", P("letterlijke doelstelling")),
            Field("summary", "Letterlijke 'Doelstelling' uit tabel 3.1/3.2. Voorbeeld: Leerling naar een passende baan leiden", P("doelstelling uit tabel 3.1 of 3.2")),
            Field("tags", f"Soort doel; ids uit schemas/vocabularies/goal-tags.yaml: {_ids(vocab, 'goal-tags')}. Voorbeeld: [werk]", [P("soort doel")]),
        ])),
        Field("components", "Letterlijke 'Onderdelen' uit tabel 3.1/3.2, één item per opsommingsteken. Voorbeeld: [Loopbaanoriëntatie, Plaatsing bij leerbedrijf]",
              [P("onderdeel")]),
        Field("activities", "Letterlijke kolom 'Aanpak / activiteiten' (gebruik | voor een genummerde lijst). Voorbeeld: \"Drie fasen: 1. Loopbaanoriëntatie "
              "en beroepskeuze. ...\"", P("letterlijke aanpak / activiteiten")),
        Field("course", "Verloop: de letterlijke tekst plus jaartallen en aantallen.", Map([
            Field("description", "Letterlijke kolom 'Verloop'. Voorbeeld: Het project is gestart in 2010. In 2013 liep een pilot in het vso.",
                  P("letterlijk verloop")),
            Field("start_year", "Startjaar, alleen als genoemd. Voorbeeld: 2010", P("startjaar")),
            Field("end_year", "Eindjaar, alleen als genoemd. Voorbeeld: 2016", P("eindjaar")),
            Field("status", "lopend, afgerond, pilot of onbekend; alleen als genoemd. Voorbeeld: lopend", P("lopend, afgerond, pilot of onbekend")),
            Field("scale", "Omvang zoals genoemd; velden die het rapport niet noemt weghalen.", Map([
                Field("participants", "Aantal deelnemende jongeren. Voorbeeld: 651", P("aantal deelnemers")),
                Field("schools", "Aantal scholen. Voorbeeld: 53", P("aantal scholen")),
                Field("municipalities", "Aantal gemeenten. Voorbeeld: 3", P("aantal gemeenten")),
                Field("regions", "Aantal regio's. Voorbeeld: 2", P("aantal regio's")),
                Field("year", "Jaar waarop de aantallen slaan. Voorbeeld: 2016", P("peiljaar")),
                Field("note", "Letterlijke zin waar de aantallen uit komen, of een toelichting.", P("toelichting")),
            ])),
        ])),
        Field("results", "Resultaten / ervaringen: de letterlijke tekst plus elk cijfer dat erin staat.", Map([
            Field("description", "Letterlijke kolom 'Resultaten / ervaringen' (ervaringen voor praktijkvoorbeelden). Voorbeeld: In mei 2015 tot februari "
                  "2016 heeft SBB 208 praktijkverklaringen ter certificering afgegeven.", P("letterlijke resultaten")),
            Field("figures", "Elk cijfer uit de resultatentekst, één item per cijfer; weghalen als er geen cijfers zijn.", Items([Map([
                Field("measure", "Wat er gemeten is, kort in het Nederlands. Voorbeeld: praktijkverklaringen afgegeven", P("wat er gemeten is")),
                Field("value", "Het getal zoals genoemd. Voorbeeld: 208", P("getal")),
                Field("unit", "aantal, procent, euro, jaar of maanden. Voorbeeld: aantal", P("aantal, procent, euro, jaar of maanden")),
                Field("n", "Basis van een percentage of totaal, alleen als genoemd. Voorbeeld: 651", P("totaal n")),
                Field("year", "Jaar waarop het cijfer slaat. Voorbeeld: 2016", P("jaar")),
                Field("period", "Periode zoals geschreven. Voorbeeld: mei 2015 tot februari 2016", P("periode")),
                Field("quote", "De zin waar het cijfer uit komt, letterlijk. Voorbeeld: In mei 2015 tot februari 2016 heeft SBB 208 praktijkverklaringen "
                      "ter certificering afgegeven.", P("letterlijke zin")),
            ])])),
        ])),
        Field("evidence", "(verplicht) Effecten / bewijskracht: het oordeel van het rapport plus een niveau op de bewijsladder.", Map([
            Field("verdict", "Letterlijke kolom 'Effecten / bewijskracht'. Voorbeeld: Op basis van de cijfers in 2016 kan niet worden gezegd of Boris "
                  "leidt tot meer stageplaatsen of doorstroom naar werk.", P("letterlijk oordeel over de bewijskracht")),
            Field("level", f"(verplicht) Niveau op de bewijsladder ({_ladder(vocab)}); zie de definities en 'report_wordings' in "
                  "schemas/vocabularies/evidence-levels.yaml. Voorbeeld: niet-onderzocht", level),
            Field("control_group", "true alleen als een studie een controle- of vergelijkingsgroep gebruikte, anders false. Voorbeeld: false",
                  P("true of false")),
            Field("cost_benefit", "true alleen als er een kosten-batenanalyse is gedaan, anders false. Voorbeeld: false", P("true of false")),
            Field("studies", "URL's van de evaluatiestudies achter het oordeel; elke URL moet ook onder 'sources' staan. "
                  "Voorbeeld: [https://www.oberon.eu/media/cprl1hyc/boris-evaluatie-project.pdf]", [d.source_url or P("https://...")]),
        ])),
        Field("working_elements", "(verplicht) Kolom '(Mogelijk) werkzame elementen': elke formulering letterlijk, met de elementen die ze uitdrukt "
              "(ids uit schemas/vocabularies/working-elements.yaml; 'jwtool elements' toont ze). Eén item per opsommingsteken.", Items([Map([
                  Field("text", "(verplicht) De formulering van het rapport, letterlijk. Voorbeeld: Samenwerking met erkend leerbedrijf",
                        P("letterlijke formulering")),
                  Field("elements", "(verplicht) Een of meer element-ids. Voorbeeld: [werkgeversbetrokkenheid, werkervaring]", [P("element-id")]),
              ])])),
        Field("success_factors", "Praktijkvoorbeeld-kaders uit paragraaf 3.2 over deze entry; weghalen als die er niet zijn.", Items([Map([
            Field("factor", f"(verplicht) Id uit schemas/vocabularies/success-factors.yaml: {_ids(vocab, 'success-factors')}. Voorbeeld: samenwerking-disciplines",
                  P("succesfactor")),
            Field("title", "Titel van het kader, letterlijk. Voorbeeld: \"Betrekken van werkgevers: Boris brengt je bij een baan\"", P("titel van het kader")),
            Field("example", "Tekst van het kader, letterlijk. Voorbeeld: Een van de uitgangspunten bij de Boris-aanpak is het betrekken van werkgevers ...",
                  P("tekst van het kader")),
            Field("section", "Paragraaf van het rapport. Voorbeeld: \"3.2\"", P("paragraaf")),
        ])])),
        Field("sources", "Bronnen waar de feiten uit komen: studies, factsheets, beschrijvingen, websites. Eén item per bron.", Items([Map([
            Field("title", "(verplicht) Titel of korte omschrijving. Voorbeeld: Evaluatie project Boris brengt je bij een baan",
                  d.source_title or P("titel van de bron")),
            Field("url", "http(s)-adres. Voorbeeld: https://www.oberon.eu/media/cprl1hyc/boris-evaluatie-project.pdf", d.source_url or P("https://...")),
            Field("kind", "(verplicht) evaluatie, factsheet, beschrijving, website of rapport. Voorbeeld: evaluatie",
                  d.source_kind or P("evaluatie, factsheet, beschrijving, website of rapport")),
            Field("year", "Jaar van publicatie. Voorbeeld: 2016", P("jaar van publicatie")),
            Field("note", "Hoe het rapport ernaar verwijst. Voorbeeld: \"Zie ook de evaluatie.\"", P("verwijzing in het rapport")),
        ])])),
        Field("provenance", "(verplicht) Waar in het rapport de entry vandaan komt.", Map(provenance)),
        Field("notes", "Tegenstrijdigheden in het rapport en keuzes bij het overnemen; weghalen als er geen zijn. Voorbeeld: "
              "Naam: bijlage 2 schrijft \"Boris brengt je bij ‘n baan\"; tabel 3.1 schrijft \"Boris brengt je bij een baan\".", [P("notitie")]),
        Field("last_reviewed", "(verplicht) Datum (JJJJ-MM-DD) waarop je de entry met de bronnen hebt vergeleken. Voorbeeld: 2026-11-28",
              d.last_reviewed or P("datum JJJJ-MM-DD")),
    ]


# ----------------------------------------------------------------------------- rendering


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _comment(text: str, indent: int, out: list[str]) -> None:
    for line in textwrap.wrap(text, width=max(40, 100 - indent - 2), break_long_words=False, break_on_hyphens=False):
        out.append(" " * indent + "# " + line)


def _render(fields: list[Field], indent: int, out: list[str], first_lead: str | None = None) -> None:
    for i, f in enumerate(fields):
        pad = " " * indent
        lead = first_lead if first_lead is not None and i == 0 else pad
        _comment(f.comment, len(lead) - 2 if lead is first_lead else indent, out)
        if isinstance(f.value, Map):
            out.append(f"{lead}{f.key}:")
            _render(f.value.fields, indent + 2, out)
        elif isinstance(f.value, Items):
            out.append(f"{lead}{f.key}:")
            for item in f.value.items:
                _render(item.fields, indent + 4, out, first_lead=" " * (indent + 2) + "- ")
        elif isinstance(f.value, list):
            out.append(f"{lead}{f.key}: [{', '.join(_scalar(v) for v in f.value)}]")
        else:
            out.append(f"{lead}{f.key}: {_scalar(f.value)}")


def render(draft: Draft, vocab: dict[str, Vocabulary]) -> str:
    """The text of the new entry file; its first line is the schema modeline for editors."""
    out = [
        MODELINE,
        "# Nieuwe entry. Vervang elke <vul in: …> door de tekst van het rapport, of haal het veld weg",
        "# als het rapport er niets over zegt (velden met '(verplicht)' moeten blijven). Zie",
        "# schemas/ENTRY-FORMAT.md en CONTRIBUTING.md. Controleer daarna met:",
        f"#   jwtool validate interventions/{draft.slug}.yaml",
    ]
    _render(template(draft, vocab), 0, out)
    return "\n".join(out) + "\n"


def entry_path(layout: Layout, slug: str) -> Path:
    return layout.interventions / f"{slug}.yaml"


def write_new(path: Path, text: str) -> None:
    """Create ``path`` with ``text``; never overwrite (FileExistsError), never leave half a file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
