"""Recognise the columns of a table by their headers, or by the name the user gave."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InputError
from ._tables import DATA_CELL, Table, normalise_header

__all__ = ["ALIASES", "DIRECTIONS", "find_column"]

# Header spellings recognised without options, after normalise_header(); the first match wins.
# English, Danish, Swedish and Norwegian; some also as written without æ, ø, å, ä, ö.
ALIASES: dict[str, list[str]] = {
    "id": ["id", "employee id", "employeeid", "employee number", "person id", "personid", "staff id",
           "emp id", "empid", "node id", "nodeid", "person", "medarbejder id", "medarbejdernummer",
           "medarbejdernr", "anställningsnummer", "ansattnummer", "personalnummer", "user id", "userid"],
    "name": ["name", "full name", "fullname", "employee name", "display name", "displayname", "navn",
             "namn", "fulde navn", "person name", "label"],
    # A roster that writes a person's name in two columns (an HR export's first and last name).
    "first name": ["first name", "firstname", "given name", "givenname", "forename", "fornavn", "förnamn",
                   "fornamn"],
    "last name": ["last name", "lastname", "surname", "family name", "familyname", "efternavn", "efternamn",
                  "etternavn"],
    "email": ["email", "e mail", "mail", "email address", "e mail address", "emailaddress", "e mailadresse",
              "emailadresse", "e post", "epost", "e postadress", "upn", "user principal name",
              "recipient email", "recipientemail"],
    "unit": ["department", "dept", "unit", "afdeling", "avdelning", "avdeling", "org unit", "organisational unit",
             "organizational unit", "organization", "organisation", "division", "office", "school",
             "research group", "team", "group", "enhed", "enhet"],
    "directorate": ["directorate", "forvaltning", "förvaltning", "område", "omrade", "direktorat",
                    "sector", "business unit"],
    "source": ["source", "from", "respondent", "respondent id", "respondent email", "respondent name",
               "ego", "ego id", "sender", "rater", "nominator", "source id", "from id", "fra", "från", "fran",
               "fra id", "från id", "afsender", "avsender", "avsändare"],
    "target": ["target", "to", "colleague", "colleague id", "colleague email", "colleague name", "alter",
               "alter id", "recipient", "contact", "nominee", "target id", "to id", "works with", "til", "till",
               "til id", "till id", "kollega", "kollege", "modtager", "mottagare", "mottaker"],
    # Headers of a wide sheet's colleague list columns (the plural: one cell names several people);
    # not edge-list targets, whose cells name one person each.
    "colleagues": ["colleagues", "kolleger", "kollegaer", "kollegor", "kollegene", "kollegerne"],
    "weight": ["weight", "frequency", "freq", "value", "strength", "count", "how often", "hyppighed",
               "frekvens", "tie strength", "score", "vægt", "vaegt", "vikt", "vekt", "hvor ofte", "hur ofta",
               "hvor tit", "hyppighet", "styrke", "styrka", "antal", "antall"],
    "layer": ["layer", "question", "relation", "tie type", "type", "network", "spørgsmål", "sporgsmal", "spm",
              "fråga", "fraga", "spørsmål", "sporsmal", "relasjon", "netværk", "netvaerk", "nätverk", "natverk",
              "nettverk"],
    # When a tie was reported or happened (an edge list's optional date column).
    "date": ["date", "dato", "datum", "tie date", "contact date", "meeting date", "interaction date",
             "timestamp", "time stamp", "tidsstempel", "tidsstämpel", "tidsstampel", "tidspunkt", "tidpunkt"],
    # How an edge runs (Gephi's Type, Kumu's Direction), when every value is one of DIRECTIONS.
    "direction": ["direction", "type", "edge type", "retning", "riktning"],
    # Columns a survey tool adds to each response (Microsoft Forms in English, Danish and Swedish,
    # Google Forms, SurveyMonkey, Qualtrics and LimeSurvey by column id and by label, SurveyXact): never a colleague
    # column, and their presence marks a survey export, whose respondent is its email column.
    "response": ["start time", "starttime", "completion time", "last modified time", "starttidspunkt",
                 "klokkeslæt for fuldførelse", "fuldførelsestidspunkt", "senest ændret", "starttid",
                 "tid för slutförande", "senast ändrad",
                 "timestamp", "tidsstempel", "tidsstämpel", "tidsmerke", "start date", "end date",
                 "startdate", "enddate", "recorded date", "recordeddate", "response id", "responseid",
                 "submitted at", "submission date", "ip address", "ipaddress", "collector id", "custom data 1",
                 "response type", "duration (in seconds)", "recipient last name",
                 "recipientlastname", "recipient first name", "recipientfirstname", "external data reference",
                 "externalreference", "location latitude", "locationlatitude", "location longitude",
                 "locationlongitude", "distribution channel", "distributionchannel", "user language",
                 "userlanguage",
                 # LimeSurvey, by column code and by label
                 "submitdate", "date submitted", "lastpage", "last page", "startlanguage", "start language",
                 "seed", "datestamp", "date last action", "date started", "refurl", "referrer url", "token"],
}

# The values of a direction column: an undirected or mutual edge is a tie both ways.
DIRECTIONS = {"directed": False, "undirected": True, "mutual": True, "": False}

# Unit hierarchy levels, from the top down; used to offer `--by` choices and a default unit.
UNIT_LEVELS = ["directorate", "unit"]


def find_column(table: Table, role: str, explicit: str | None = None, *, required: bool = True,
                option: str | None = None, names_person=None) -> str | None:
    """The header of ``table`` that plays ``role``.

    ``explicit`` (from an option such as ``--id-column``) is matched case-insensitively; otherwise
    the aliases in :data:`ALIASES` are tried in order. A required column that is missing raises an
    :class:`InputError` that lists the headers the file has (see :func:`header_list`; ``names_person``
    tells a header that names someone of the roster) and the option that names it.
    """
    by_key = {normalise_header(h): h for h in table.headers}
    if explicit is not None:
        hit = by_key.get(normalise_header(explicit))
        if hit is not None:
            return hit
        raise InputError([table.problem(
            "missing-column", f"has no column {explicit!r}; " + header_list(table, names_person),
            row=table.header_row)])
    for alias in ALIASES[role]:
        if alias in by_key:
            return by_key[alias]
    if not required:
        return None
    hint = f"; name it with {option}" if option else ""
    raise InputError([table.problem(
        "missing-column",
        f"has no {role} column (looked for {', '.join(repr(a) for a in ALIASES[role][:4])} ...){hint}; "
        + header_list(table, names_person), row=table.header_row)])


#: Every header spelling ona recognises, whatever its role.
KNOWN_HEADERS = frozenset(alias for aliases in ALIASES.values() for alias in aliases)


def header_list(table: Table, names_person=None) -> str:
    """"its columns are: ..." for an error message about ``table``, without personal data (see
    :func:`describe_headers`)."""
    return describe_headers(table.headers, names_person)


def describe_headers(headers: Sequence[str], names_person=None, *, shown: Sequence[str] | None = None,
                     listing: str = "its columns are: ") -> str:
    """``listing`` and the ``shown`` headers (default: all ``headers``) for an error message, without
    personal data. When a header holds an address or a number (an id, a date), or names someone of
    the roster (``names_person``, where the caller has a roster), the header row is most likely a
    record, or the names of an adjacency matrix: then no header is repeated (the others may be names
    too), only counted. Nor are they when none is a header ona knows (a roster saved without its
    header row has a person's name, unit and job there)."""
    shown = headers if shown is None else shown
    hidden = sum(bool(DATA_CELL.search(h) or (names_person is not None and names_person(h))) for h in headers)
    if not hidden and not any(normalise_header(h) in KNOWN_HEADERS for h in headers):
        return (f"none of its {len(headers)} headers is a column name ona knows (if its first row is a "
                "person, the header row is missing)")
    if not hidden:
        return listing + ", ".join(repr(h) for h in shown)
    return (f"its header row looks like a record or the names of a matrix: {hidden} of its {len(headers)} "
            "headers hold an address, a number or a person's name (is a header row missing, or the shape or "
            "the delimiter wrong?)")
