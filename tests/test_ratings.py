"""A municipality asked its people to rate the other units ("how timely is what you get from
Finance?"). The manager's question: why do we think we cooperate well when the others don't?"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

import ona
from ona.cli import cli
from ona.errors import InputError
from ona.ingest.ratings import read_ratings, read_scale
from ona.metrics.ratings import measure_ratings

from conftest import ROOT, write_csv

EXAMPLE = ROOT / "examples" / "municipality"

# Anonymous answers (the respondent's unit only), two questions, unit A and unit B rate each other.
LONG = [["Respondent unit", "Rated unit", "q1", "q2"],
        ["A", "B", "4", "2"], ["A", "B", "5", "5"], ["A", "B", "3", "Don't know"],
        ["B", "A", "2", "2"], ["B", "A", "1", "3"], ["B", "A", "2", "4"]]
WIDE = [["Respondent unit", "A – q1", "A – q2", "B – q1", "B – q2"],
        ["A", "", "", "4", "2"], ["A", "", "", "5", "5"], ["A", "", "", "3", "Don't know"],
        ["B", "2", "2", "", ""], ["B", "1", "3", "", ""], ["B", "2", "4", "", ""]]


def cells_of(path, **kw):
    result = measure_ratings(read_ratings(path, None), min_group_size=kw.get("min_group_size", 2))
    return result, result.cells.set_index(["measure", "rater_unit", "rated_unit"])


def test_means_intervals_and_gaps_by_hand(tmp_path):
    """Respondent scores (overall = mean of the questions they answered): A about B 3, 5, 3;
    B about A 2, 2, 3. A rates B 11/3, sd sqrt(4/3); B rates A 7/3, sd sqrt(1/3); 95% interval
    mean ± t(0.975, 2)·sd/√3. Gap A−B = 4/3; the intervals overlap, so no disagreement is flagged.
    q2 of A about B: 2 and 5 (the "Don't know" is missing): 3.5 from n = 2."""
    result, c = cells_of(write_csv(tmp_path / "r.csv", LONG))
    ab = c.loc[("overall", "A", "B")]
    assert ab["mean"] == pytest.approx(11 / 3) and ab["n"] == 3 and ab["sd"] == pytest.approx(math.sqrt(4 / 3))
    half = stats.t.ppf(0.975, 2) * math.sqrt(4 / 3) / math.sqrt(3)
    assert (ab["ci_low"], ab["ci_high"]) == pytest.approx((11 / 3 - half, 11 / 3 + half))
    assert c.loc[("overall", "B", "A"), "mean"] == pytest.approx(7 / 3)
    assert c.loc[("q1", "A", "B"), "mean"] == pytest.approx(4.0)
    assert c.loc[("q2", "A", "B"), "mean"] == pytest.approx(3.5) and c.loc[("q2", "A", "B"), "n"] == 2
    gap = result.gaps.iloc[0]
    assert (gap["unit_a"], gap["unit_b"], gap["gap"], gap["disagreement"]) == ("A", "B", pytest.approx(4 / 3), False)
    assert result.units.loc["A", "rates_others"] == pytest.approx(11 / 3)
    assert result.units.loc["A", "rated_by_others"] == pytest.approx(7 / 3)
    assert result.units.loc["A", "gap"] == pytest.approx(4 / 3)
    assert result.parameters["answers"]["partial"] == 1  # the "Don't know" respondent answered q1 only


def test_small_cells_are_suppressed_everywhere(tmp_path):
    """With a minimum of 3 respondents, q2 of A about B (n = 2) is hidden; with 4, every cell is,
    and so is every gap built from them."""
    _, c = cells_of(write_csv(tmp_path / "r.csv", LONG), min_group_size=3)
    assert c.loc[("q2", "A", "B"), "suppressed"] and math.isnan(c.loc[("q2", "A", "B"), "mean"])
    assert not c.loc[("overall", "A", "B"), "suppressed"]
    result, c = cells_of(write_csv(tmp_path / "r.csv", LONG), min_group_size=4)
    assert c["mean"].isna().all()
    assert result.gaps["gap"].isna().all() and result.units["gap"].isna().all()


def test_both_layouts_give_the_same_matrices(tmp_path):
    _, long = cells_of(write_csv(tmp_path / "long.csv", LONG))
    _, wide = cells_of(write_csv(tmp_path / "wide.csv", WIDE))
    pd.testing.assert_frame_equal(long.sort_index(), wide.sort_index())


def test_labels_non_monotonic_scales_reverse_coding_and_dont_know(tmp_path):
    """Frequency: "just right" is best (5), too rarely and too often both 3, much too rarely or
    often 1. Conflict is reverse-coded on 1-5 (4 -> 2). "Ved ikke" (Danish: don't know) is missing."""
    scale_file = tmp_path / "scale.toml"
    scale_file.write_text('''
missing = ["Ved ikke", "Don't know"]
[dimensions.frequency.labels]
"Much too rarely" = 1
"Too rarely" = 3
"Just right" = 5
"Too often" = 3
"Much too often" = 1
[dimensions.conflict]
reverse = true
min = 1
max = 5
[subscales]
contact = ["frequency"]
''', encoding="utf-8")
    scale = read_scale(scale_file)
    assert scale.score("frequency", "just right") == (5.0, "ok")
    assert scale.score("frequency", "Much too often") == (1.0, "ok")
    assert scale.score("conflict", "4") == (2.0, "ok")
    assert scale.score("conflict", "ved ikke") == (None, "missing")
    assert scale.score("frequency", "sometimes") == (None, "unknown")
    rows = [["Respondent unit", "Rated unit", "frequency", "conflict"],
            ["A", "B", "Just right", "4"], ["A", "B", "Too often", "Ved ikke"]]
    responses = read_ratings(write_csv(tmp_path / "r.csv", rows), None, scale=scale)
    cells = measure_ratings(responses, min_group_size=1).cells.set_index(["measure", "rater_unit", "rated_unit"])
    assert cells.loc[("frequency", "A", "B"), "mean"] == pytest.approx(4.0)
    assert cells.loc[("conflict", "A", "B"), "mean"] == pytest.approx(2.0)
    assert cells.loc[("contact", "A", "B"), "mean"] == pytest.approx(4.0)
    assert cells.loc[("overall", "A", "B"), "mean"] == pytest.approx(((5 + 2) / 2 + 3) / 2)
    assert responses.counts["missing"] == 1


def test_an_unknown_answer_names_its_cell(tmp_path, runner):
    rows = [["Respondent unit", "Rated unit", "q1"], ["A", "B", "4"], ["A", "B", "sometimes"]]
    path = write_csv(tmp_path / "r.csv", rows)
    with pytest.raises(InputError) as caught:
        read_ratings(path, None)
    assert str(caught.value.problems[0]).startswith("r.csv, row 3, column 'q1'")


def test_the_example_finds_the_planted_perception_gap(tmp_path, runner):
    """examples/municipality/ratings.xlsx (seeded): Finance rates the line well and itself well, the
    line rates Finance poorly. Finance has the largest we-versus-they gap, the line rates it lowest
    of the support units, and the CLI says so; the tables reach the workbook."""
    out = tmp_path / "report"
    result = runner.invoke(cli, ["analyze", "--roster", str(EXAMPLE / "roster.xlsx"), "--ties",
                                 str(EXAMPLE / "ties.xlsx"), "--ratings", str(EXAMPLE / "ratings.xlsx"),
                                 "--scale", str(EXAMPLE / "scale.toml"), "--out", str(out), "--permutations", "50"])
    assert result.exit_code == 0, result.output
    assert "Ratings: Finance rates the other units" in result.output
    units = pd.read_excel(out / "metrics.xlsx", sheet_name="rating_units", engine="calamine").set_index("unit")
    assert units["gap"].idxmax() == "Finance"
    support = pd.read_excel(out / "metrics.xlsx", sheet_name="support_reach", engine="calamine")
    assert support.sort_values("line_rates_it")["support_unit"].iloc[0] == "Finance"
    assert (out / "ratings.html").exists() and 'href="ratings.html"' in (out / "index.html").read_text("utf-8")


def test_ratings_alone_need_no_tie_data(tmp_path, runner):
    result = runner.invoke(cli, ["analyze", "--roster", str(EXAMPLE / "roster.xlsx"), "--ratings",
                                 str(EXAMPLE / "ratings.xlsx"), "--scale", str(EXAMPLE / "scale.toml"),
                                 "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "Ratings: IT is rated best" in result.output


@pytest.mark.browser
def test_the_ratings_page_shows_hostile_unit_names_as_text(offline_page, tmp_path, output_dir):
    hostile = "<img src=x onerror=\"window.pwned=1\">"
    rows = [["Respondent unit", "Rated unit", "q1"]] + [["A", hostile, str(3 + i % 2)] for i in range(5)] + \
        [[hostile, "A", str(2 + i % 2)] for i in range(5)]
    responses = read_ratings(write_csv(tmp_path / "r.csv", rows), None)
    from ona.report.ratings_page import write_ratings_page

    path = write_ratings_page(measure_ratings(responses), tmp_path / "ratings.html")
    page, outside, errors = offline_page
    page.goto(path.as_uri())
    assert page.locator("img").count() == 0 and page.evaluate("window.pwned === undefined")
    assert hostile in page.locator("table.heat").first.inner_text()
    page.screenshot(path=str(output_dir / "ratings.png"), full_page=True)
    assert outside == [] and errors == []


def test_a_filled_in_ratings_template_is_analysed_with_no_options(tmp_path, runner, data_dir):
    """`ona template --ratings` writes Respondent + '<unit> – <question>' columns with drop-downs;
    filled in programmatically (every person rates every unit "Agree" = 4, B's people rate A
    "Disagree" = 2), `ona analyze --ratings` reads it back with no scale file."""
    from openpyxl import load_workbook

    roster_path = data_dir / "analyze" / "roster.csv"
    out = tmp_path / "ratings.xlsx"
    result = runner.invoke(cli, ["template", "--roster", str(roster_path), "--ratings", "--out", str(out)])
    assert result.exit_code == 0, result.output
    roster = ona.read_roster(roster_path)
    wb = load_workbook(out)
    sheet = wb["Responses"]
    headers = [c.value for c in sheet[1]]
    assert headers[0] == "Respondent" and "A – timely" in headers and "B – respect" in headers
    names = roster.people["Name"].tolist()
    units = roster.people["Department"].tolist()
    for r, (name, unit) in enumerate(zip(names, units), start=2):
        sheet.cell(row=r, column=1, value=name)
        for j, h in enumerate(headers[1:], start=2):
            sheet.cell(row=r, column=j, value="Disagree" if unit == "B" and h.startswith("A –") else "Agree")
    wb.save(out)
    responses = read_ratings(out, roster)
    cells = measure_ratings(responses, min_group_size=1).cells.set_index(["measure", "rater_unit", "rated_unit"])
    assert cells.loc[("overall", "B", "A"), "mean"] == 2 and cells.loc[("overall", "A", "B"), "mean"] == 4
    assert cells.loc[("overall", "A", "B"), "n"] == 3
    report = runner.invoke(cli, ["analyze", "--roster", str(roster_path), "--ratings", str(out), "--out",
                                 str(tmp_path / "r"), "--min-group-size", "1"])
    assert report.exit_code == 0, report.output
