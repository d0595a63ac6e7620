"""A survey workbook to collect next year's who-works-with-whom data in a shape ona reads as is."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from .._files import atomic_path
from .roster import Roster

__all__ = ["write_survey_template", "write_ratings_template", "FREQUENCY_SCALE", "DEFAULT_QUESTION",
           "RATING_QUESTIONS", "RATING_LABELS"]

FREQUENCY_SCALE = {1: "a few times a year", 2: "monthly", 3: "weekly", 4: "several times a week", 5: "daily"}
DEFAULT_QUESTION = "Who do you work with to get your work done?"
_ROWS = 2000


def _text(cell, value):
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the roster holds
    return cell


def _instructions(wb: Workbook, lines: list[str], *, width: int) -> None:
    """The workbook's first sheet, "Instructions": one line per row, the first as a title."""
    info = wb.active
    info.title = "Instructions"
    for i, line in enumerate(lines, start=1):
        _text(info.cell(row=i, column=1), line)
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = width


def person_choices(roster: Roster) -> list[str]:
    """What respondents pick from: the name where it is unique, else "Name <email>" or the id.

    Every choice is read back to exactly one person by :class:`~ona.ingest.ties.PersonMatcher`.
    """
    from .roster import name_key

    names = roster.people[roster.name_column] if roster.name_column else None
    if names is None:
        return [str(i) for i in roster.ids]
    counts = names.map(name_key).value_counts()
    out = []
    for pid, name in zip(roster.ids, names):
        if name and counts[name_key(name)] == 1:
            out.append(name)
        elif name and roster.email_column and roster.people.at[pid, roster.email_column]:
            out.append(f"{name} <{roster.people.at[pid, roster.email_column]}>")
        else:
            out.append(str(pid))
    return out


def write_survey_template(roster: Roster, path: str | Path, *, questions: list[str] | None = None) -> Path:
    """Write a survey workbook for ``roster``'s people at ``path``.

    Sheets: ``Instructions``; ``Responses`` with columns Respondent, Colleague, Frequency (1-5) and,
    with several questions, Question: each a drop-down list (Excel data validation) of the roster's
    people, the scale and the questions; ``People``, the list the drop-downs use. A filled-in copy
    is read by ``ona analyze --ties`` with no options (several questions become layers).
    """
    questions = questions or [DEFAULT_QUESTION]
    choices = person_choices(roster)
    wb = Workbook()
    lines = ["Collaboration survey", "",
             "On the sheet 'Responses', add one row for each colleague you work with:",
             "  Respondent: pick your own name from the list.",
             "  Colleague: pick the colleague's name from the list.",
             "  Frequency: how often you work together:"]
    lines += [f"    {k} = {v}" for k, v in FREQUENCY_SCALE.items()]
    if len(questions) > 1:
        lines += ["  Question: which question the row answers:"] + [f"    {q}" for q in questions]
    else:
        lines += ["", f"The question: {questions[0]}"]
    lines += ["", "Add as many rows as you need. Leave colleagues out rather than guess."]
    _instructions(wb, lines, width=90)

    responses = wb.create_sheet("Responses")
    headers = ["Respondent", "Colleague", "Frequency"] + (["Question"] if len(questions) > 1 else [])
    for j, header in enumerate(headers, start=1):
        cell = _text(responses.cell(row=1, column=j), header)
        cell.font = Font(bold=True)
    for col, width in zip("ABCD", (36, 36, 12, 50)):
        responses.column_dimensions[col].width = width
    responses.freeze_panes = "A2"

    people = wb.create_sheet("People")
    _text(people.cell(row=1, column=1), "Person")
    for i, label in enumerate(choices, start=2):
        _text(people.cell(row=i, column=1), label)
    people.column_dimensions["A"].width = 40
    last = len(choices) + 1
    pick = DataValidation(type="list", formula1=f"=People!$A$2:$A${last}", allow_blank=True,
                          showErrorMessage=True, errorTitle="Not on the list",
                          error="Pick a name from the list (the roster).")
    pick.add(f"A2:B{_ROWS}")
    scale = DataValidation(type="whole", operator="between", formula1="1", formula2="5", allow_blank=True,
                           showErrorMessage=True, error="Frequency is a whole number from 1 to 5.")
    scale.add(f"C2:C{_ROWS}")
    responses.add_data_validation(pick)
    responses.add_data_validation(scale)
    if len(questions) > 1:
        qs = wb.create_sheet("Questions")
        for i, q in enumerate(questions, start=1):
            _text(qs.cell(row=i, column=1), q)
        ask = DataValidation(type="list", formula1=f"=Questions!$A$1:$A${len(questions)}", allow_blank=True)
        ask.add(f"D2:D{_ROWS}")
        responses.add_data_validation(ask)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


# Neutral questions of ona's own wording (no published instrument's items): short name -> item.
RATING_QUESTIONS = {
    "timely": "I get what I need from this unit in time.",
    "clear": "What this unit tells me is clear and correct.",
    "helpful": "This unit helps solve problems when they come up.",
    "goals": "This unit and mine pull in the same direction.",
    "respect": "This unit respects the work we do.",
}
RATING_LABELS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree",
                 "Don't know"]


def write_ratings_template(roster: Roster, path: str | Path, *, unit_column: str | None = None,
                           questions: list[str] | None = None) -> Path:
    """Write a unit-rates-unit questionnaire for ``roster``'s units at ``path``.

    Sheets: ``Instructions`` (the questions and the scale); ``Responses``: one row per respondent,
    a Respondent drop-down of the roster's people and one column per (unit, question) named
    "<unit> – <question>" with a drop-down of the answers. ``questions``: the questions to ask
    (default: :data:`RATING_QUESTIONS`, by their short names). A filled-in copy is read by
    ``ona analyze --ratings`` with no options (the default scale knows these answers).
    """
    unit_column = unit_column or (roster.unit_columns[-1] if roster.unit_columns else None)
    if unit_column is None:
        from ..errors import OnaError

        raise OnaError("the roster has no unit column; name it with --unit-column (unit_column= in Python)")
    units = sorted(set(roster.people[unit_column]))
    choices = person_choices(roster)
    wb = Workbook()
    lines = ["How we work with the other units", "",
             "On the sheet 'Responses', pick your name, then answer for each unit you work with.",
             "Leave a unit blank if you do not work with it; answer 'Don't know' where you cannot judge.", "",
             "The questions:"] + ([f"  {q}" for q in questions] if questions else
                                  [f"  {name}: {text}" for name, text in RATING_QUESTIONS.items()]) + \
        ["", "The answers: " + ", ".join(RATING_LABELS[:5]) + " (scored 1-5), or Don't know."]
    _instructions(wb, lines, width=100)
    lists = wb.create_sheet("Lists")
    for i, value in enumerate(choices, start=1):
        _text(lists.cell(row=i, column=1), value)
    for i, value in enumerate(RATING_LABELS, start=1):
        _text(lists.cell(row=i, column=2), value)
    responses = wb.create_sheet("Responses", 1)
    headers = ["Respondent"] + [f"{u} – {q}" for u in units for q in (questions or RATING_QUESTIONS)]
    for j, h in enumerate(headers, start=1):
        _text(responses.cell(row=1, column=j), h).font = Font(bold=True)
    people = DataValidation(type="list", formula1=f"=Lists!$A$1:$A${max(1, len(choices))}", allow_blank=True)
    answers = DataValidation(type="list", formula1=f"=Lists!$B$1:$B${len(RATING_LABELS)}", allow_blank=True)
    responses.add_data_validation(people)
    responses.add_data_validation(answers)
    people.add(f"A2:A{_ROWS}")
    from openpyxl.utils import get_column_letter

    if len(headers) > 1:
        answers.add(f"B2:{get_column_letter(len(headers))}{_ROWS}")
    responses.column_dimensions["A"].width = 30
    with atomic_path(Path(path)) as tmp:
        wb.save(tmp)
    return Path(path)
