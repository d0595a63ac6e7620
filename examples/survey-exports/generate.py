"""The example municipality's survey as SurveyMonkey and Qualtrics export it (rerunnable).

../municipality/ties.xlsx holds the answers to "who do you work with, and how often?" as a tidy
edge list (Respondent ID, Colleague ID, Frequency 1-5). Here the same answers are written as the
two survey tools write them when the question is a matrix with a row per colleague and the
answers as words ("Daily"): one row per respondent, one column per colleague, and the tools'
header rows above. frequency.toml gives each word its number, so both exports measure exactly the
network ties.xlsx gives.

- surveymonkey.xlsx: "All individual responses", expanded. Row 1: the response's columns
  (Respondent ID, Collector ID, Start Date, End Date, IP Address, Email Address, First Name, Last
  Name, Custom Data 1) and the question over the first colleague's column; row 2: each column's
  colleague (the matrix's row), blank under the response's columns.
- qualtrics.csv: the CSV export with choice text. Row 1: column ids (StartDate ... ResponseId ...
  Q1_1, Q1_2 ...); row 2: labels ("How often ... - Lærke Løvås"); row 3: import ids.

Writes surveymonkey.xlsx and qualtrics.csv. Run: python examples/survey-exports/generate.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).parent
MUNICIPALITY = HERE.parent / "municipality"
QUESTION = "How often do you work with each of these colleagues?"
#: The answers as the survey showed them, by the frequency ties.xlsx records (frequency.toml is the reverse).
ANSWERS = {1: "A few times a year", 2: "Monthly", 3: "Weekly", 4: "Several times a week", 5: "Daily"}

#: The columns Qualtrics puts before the questions: (column id, label, import id).
QUALTRICS_COLUMNS = [
    ("StartDate", "Start Date", "startDate"), ("EndDate", "End Date", "endDate"),
    ("Status", "Response Type", "status"), ("IPAddress", "IP Address", "ipAddress"),
    ("Progress", "Progress", "progress"), ("Duration (in seconds)", "Duration (in seconds)", "duration"),
    ("Finished", "Finished", "finished"), ("RecordedDate", "Recorded Date", "recordedDate"),
    ("ResponseId", "Response ID", "_recordId"), ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
    ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
    ("RecipientEmail", "Recipient Email", "recipientEmail"),
    ("ExternalReference", "External Data Reference", "externalDataReference"),
    ("DistributionChannel", "Distribution Channel", "distributionChannel"),
    ("UserLanguage", "User Language", "userLanguage")]


def survey():
    """The roster (id, name, email) and each respondent's answers: {respondent id: {colleague id: word}}."""
    roster = pd.read_excel(MUNICIPALITY / "roster.xlsx", engine="calamine", dtype=str)
    ties = pd.read_excel(MUNICIPALITY / "ties.xlsx", engine="calamine", dtype={"Frequency": int})
    answers: dict[str, dict[str, str]] = {}
    for source, target, frequency in ties[["Respondent ID", "Colleague ID", "Frequency"]].itertuples(index=False):
        answers.setdefault(source, {})[target] = ANSWERS[frequency]
    return roster, answers


def surveymonkey(roster: pd.DataFrame, answers) -> None:
    people = roster.set_index("Employee ID")
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet"
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
            "Last Name", "Custom Data 1"]
    sheet.append(meta + [QUESTION] + [None] * (len(roster) - 1))
    sheet.append([None] * len(meta) + roster["Name"].tolist())
    for number, (respondent, named) in enumerate(answers.items()):
        first, _, last = people.at[respondent, "Name"].partition(" ")
        sheet.append([114_392_000_000 + number, 431_208_775, "03/04/2025 09:12:40 AM", "03/04/2025 09:31:02 AM",
                      "", people.at[respondent, "Email"], first, last, None]
                     + [named.get(colleague) for colleague in roster["Employee ID"]])
    book.save(HERE / "surveymonkey.xlsx")


def qualtrics(roster: pd.DataFrame, answers) -> None:
    people = roster.set_index("Employee ID")
    meta = QUALTRICS_COLUMNS
    numbers = range(1, len(roster) + 1)
    with open(HERE / "qualtrics.csv", "w", newline="", encoding="utf-8-sig") as handle:  # (Qualtrics writes a BOM)
        out = csv.writer(handle)
        out.writerow([i for i, _, _ in meta] + [f"Q1_{k}" for k in numbers])
        out.writerow([label for _, label, _ in meta] + [f"{QUESTION} - {name}" for name in roster["Name"]])
        out.writerow([json.dumps({"ImportId": i}) for _, _, i in meta] + [json.dumps({"ImportId": f"QID1_{k}"})
                                                                           for k in numbers])
        for number, (respondent, named) in enumerate(answers.items()):
            first, _, last = people.at[respondent, "Name"].partition(" ")
            out.writerow(["2025-03-04 09:12:40", "2025-03-04 09:31:02", "Email", "", "100", "1102", "True",
                          "2025-03-04 09:31:03", f"R_{number:06d}", last, first, people.at[respondent, "Email"],
                          "", "email", "EN"] + [named.get(colleague, "") for colleague in roster["Employee ID"]])


def main() -> None:
    roster, answers = survey()
    surveymonkey(roster, answers)
    qualtrics(roster, answers)
    print(f"surveymonkey.xlsx and qualtrics.csv: {len(answers)} responses, a column for each of {len(roster)} "
          "colleagues")


if __name__ == "__main__":
    main()
