"""The yearly measurement as a municipality's analyst lives it: one ona.toml for 2024, 2025 and 2026,
`ona run` each year (and the same from Python), then `ona compare`. Between the waves HR is renamed
People & Culture (2025), IT and Planning merge into Digital Planning (2026), people leave and join.
The rosters and ties are small enough that every figure below is computed by hand in the docstrings
(definitions: docs/metrics.md, "wave comparison")."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import ona
from ona.cli import cli
from ona.config import read_config

# 2024: Finance f1-f5, HR h1-h5, IT i1-i5, Planning p1-p5 (20 people).
PEOPLE_2024 = ([(f"f{i}", "Finance") for i in range(1, 6)] + [(f"h{i}", "HR") for i in range(1, 6)]
               + [(f"i{i}", "IT") for i in range(1, 6)] + [(f"p{i}", "Planning") for i in range(1, 6)])
TIES_2024 = [("f1", "f2"), ("f2", "f3"), ("f3", "f1"), ("f4", "f5"), ("h1", "h2"), ("h2", "h3"), ("h4", "h5"),
             ("i1", "i2"), ("i2", "i3"), ("i3", "i4"), ("p1", "p2"), ("p2", "p3"), ("p4", "p5"),
             ("f1", "h1"), ("h1", "f1"), ("f2", "i1"), ("i1", "p1"), ("p1", "i1"), ("p2", "h2"), ("i5", "p5")]
# 2025: HR is renamed People & Culture; f5 leaves, i6 joins IT (20 people).
PEOPLE_2025 = ([(f"f{i}", "Finance") for i in range(1, 5)] + [(f"h{i}", "People & Culture") for i in range(1, 6)]
               + [(f"i{i}", "IT") for i in range(1, 7)] + [(f"p{i}", "Planning") for i in range(1, 6)])
TIES_2025 = [("f1", "f2"), ("f2", "f3"), ("f3", "f1"), ("h1", "h2"), ("h2", "h3"), ("h4", "h5"), ("i1", "i2"),
             ("i2", "i3"), ("p1", "p2"), ("p2", "p3"), ("p4", "p5"), ("f1", "h1"), ("f2", "i1"), ("i1", "p1"),
             ("i6", "i1"), ("i4", "i6"), ("h3", "i3"), ("p3", "f3"), ("i2", "p2")]
# 2026: IT and Planning merge into Digital Planning; h5 leaves, d1 joins Digital Planning (20 people).
PEOPLE_2026 = ([(f"f{i}", "Finance") for i in range(1, 5)] + [(f"h{i}", "People & Culture") for i in range(1, 5)]
               + [(f"i{i}", "Digital Planning") for i in range(1, 7)]
               + [(f"p{i}", "Digital Planning") for i in range(1, 6)] + [("d1", "Digital Planning")])
TIES_2026 = [("f1", "f2"), ("f2", "f3"), ("h1", "h2"), ("h2", "h3"), ("i1", "i2"), ("i2", "i3"), ("p1", "p2"),
             ("f1", "h1"), ("f2", "i1"), ("i1", "p1"), ("i6", "i1"), ("h3", "i3"), ("p3", "f3"), ("i2", "p2"),
             ("d1", "i1"), ("i1", "d1"), ("h4", "f4"), ("f4", "h4"), ("p4", "i4")]
WAVES = {"2024": (PEOPLE_2024, TIES_2024), "2025": (PEOPLE_2025, TIES_2025), "2026": (PEOPLE_2026, TIES_2026)}

CONFIG = """\
[measurement]
by = "Department"
tie_rule = "reported"
seed = 1
permutations = 20
history = "ona-history.db"
out = "report-{wave}"

[units]
"HR" = "People & Culture"
"IT" = "Digital Planning"
"Planning" = "Digital Planning"

[compare]
bootstraps = 50
seed = 1
"""


def write_wave(folder: Path, people, ties) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "roster.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Employee ID", "Name", "Department", "Section"])
        writer.writerows([pid, f"Person {pid.upper()}", unit, f"Section {unit[0]}"] for pid, unit in people)
    with open(folder / "ties.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Respondent ID", "Colleague ID", "Frequency"])
        writer.writerows([s, t, 1] for s, t in ties)


def municipality(folder: Path, extra: str = "") -> Path:
    """The three waves' files and ona.toml in ``folder``; ``extra`` is appended to ona.toml."""
    for label, (people, ties) in WAVES.items():
        write_wave(folder / label, people, ties)
    waves = "".join(f'\n[waves.{w}]\nroster = "{w}/roster.csv"\nties = ["{w}/ties.csv"]\n' for w in WAVES)
    path = folder / "ona.toml"
    path.write_text(CONFIG + waves + extra, encoding="utf-8")
    return path


def run(runner, config: Path, wave: str, *options: str):
    result = runner.invoke(cli, ["run", str(config), "--wave", wave, *options])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def stored(tmp_path, runner) -> Path:
    """ona.toml with all three waves run and stored, as the analyst does it each year."""
    config = municipality(tmp_path)
    for wave in WAVES:
        run(runner, config, wave)
    return config


def compare(config: Path, before: str, after: str):
    settings = read_config(config)
    with ona.open_history(settings.history_path, read_only=True) as history:
        return ona.compare_waves(history.load(before), history.load(after), mapping=settings.units,
                                 **settings.compare)


def test_a_merger_of_2026_does_not_merge_the_units_of_2024_and_2025(stored):
    """One ona.toml serves every year, so its [units] holds HR -> People & Culture (2025) and the
    2026 merger IT, Planning -> Digital Planning. Comparing 2024 with 2025 applies only the rename:
    IT and Planning are still units in 2025. By hand, 2024 on 2025's units: cross-unit ties f1-h1,
    h1-f1, f2-i1, i1-p1, p1-i1, p2-h2, i5-p5 = 7 of 20 (35%, E-I -0.30, 4 units); IT: 3 inside,
    4 with other units, E-I +1/7; 2025 IT (i1-i6): 4 inside, 4 outside, E-I 0. IT -> Planning:
    2024 i1-p1, i5-p5, 2025 i1-p1, i2-p2: 1 kept, 1 new, 1 lost; density 2/25 and 2/30.

    Comparing 2024 with 2026 applies every entry: IT and Planning are Digital Planning (10 people in
    2024, 12 in 2026). 2024: 9 ties inside (i1-i2, i2-i3, i3-i4, p1-p2, p2-p3, p4-p5, i1-p1, p1-i1,
    i5-p5), 2 with other units (f2-i1, p2-h2), E-I -7/11; 2026: 9 inside, 3 outside (f2-i1, h3-i3,
    p3-f3), E-I -0.5."""
    c = compare(stored, "2024", "2025")
    assert c.mapping == {"HR": "People & Culture"}
    assert c.org.loc["units", "before"] == 4 and c.org.loc["cross_unit_share", "before"] == pytest.approx(7 / 20)
    assert c.org.loc["ei_index", "before"] == pytest.approx(-0.3)
    assert sorted(c.units.index) == ["Finance", "IT", "People & Culture", "Planning"]
    assert set(c.units["status"]) == {"both"}
    assert c.units.loc["IT", "ei_index_before"] == pytest.approx(1 / 7)
    assert c.units.loc["IT", "ei_index_after"] == 0
    assert c.units.loc["People & Culture", "formed_from"] == "HR"
    pair = c.unit_pairs.set_index(["from_unit", "to_unit"]).loc[("IT", "Planning")]
    assert (pair["ties_before"], pair["ties_after"], pair["ties_kept"], pair["ties_new"], pair["ties_lost"]) == \
        (2, 2, 1, 1, 1)
    assert pair["density_before"] == pytest.approx(2 / 25) and pair["density_after"] == pytest.approx(2 / 30)
    merged = compare(stored, "2024", "2026").units.loc["Digital Planning"]
    assert (merged["headcount_before"], merged["headcount_after"], merged["formed_from"]) == (10, 12, "IT, Planning")
    assert merged["ei_index_before"] == pytest.approx(-7 / 11) and merged["ei_index_after"] == pytest.approx(-0.5)


def test_a_rename_is_followed_through_a_second_rename():
    """HR became People & Culture, which later became People: comparing a wave with HR against one with
    People carries HR through both renames (the unit is compared with itself, not reported gone)."""
    from ona.compare import _mapping_between

    mapping = {"HR": "People & Culture", "People & Culture": "People", "IT": "Digital Planning"}
    assert _mapping_between(mapping, {"HR", "IT"}, {"People", "IT"}) == {"HR": "People"}


def test_a_lost_tie_is_counted_between_the_units_it_was_between(tmp_path, runner):
    """In 2025 p2 moves from Planning to Finance and stops reporting h2 (2024: Planning -> HR). The
    lost tie p2-h2 belongs to Planning -> People & Culture (1 tie in 2024, 0 in 2025: 1 lost), not to
    p2's new unit: Finance -> People & Culture had f1-h1 in both waves (1 kept, 0 lost)."""
    config = municipality(tmp_path)
    write_wave(tmp_path / "2025", [(p, "Finance" if p == "p2" else u) for p, u in PEOPLE_2025], TIES_2025)
    for wave in ("2024", "2025"):
        run(runner, config, wave)
    pairs = compare(config, "2024", "2025").unit_pairs.set_index(["from_unit", "to_unit"])
    figures = ["ties_before", "ties_after", "ties_kept", "ties_new", "ties_lost"]
    assert pairs.loc[("Planning", "People & Culture"), figures].tolist() == [1, 0, 0, 0, 1]
    assert pairs.loc[("Finance", "People & Culture"), figures].tolist() == [1, 1, 1, 0, 0]


def sheet(path: Path, name: str) -> list[tuple]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    rows = [tuple(row) for row in workbook[name].iter_rows(values_only=True)]
    workbook.close()
    width = max(map(len, rows))
    return [row + (None,) * (width - len(row)) for row in rows]  # (read-only rows end at their last value)


def test_a_pseudonymised_wave_against_a_plain_one_says_people_cannot_be_matched(tmp_path, runner):
    """2026 is run with [privacy] pseudonymize (2024 and 2025 were not): its ids are pseudonyms, so no
    person of 2025 is found in 2026. Counting anyway would call every tie lost and new (Finance ->
    People & Culture: 0 kept, 2 new, 1 lost) and list no role change as if nobody's role changed.
    Instead the comparison warns, once on stderr and at the top of compare.html, leaves ties kept,
    new and lost empty in compare.html and compare.xlsx and says role changes are not counted; the
    unit figures still compare (Finance -> People & Culture: 1 tie in 2025, 2 in 2026)."""
    (tmp_path / "key.txt").write_text("a secret of thirty-two characters", encoding="utf-8")
    config = municipality(tmp_path)
    for wave in ("2024", "2025"):
        run(runner, config, wave)
    secret = tmp_path / "secret.toml"
    privacy = '\n[privacy]\npseudonymize = "key.txt"\nmin_group_size = 3\n'
    secret.write_text(config.read_text(encoding="utf-8") + privacy, encoding="utf-8")
    run(runner, secret, "2026")
    result = runner.invoke(cli, ["compare", "2025", "2026", "--history", str(tmp_path / "ona-history.db"),
                                 "--config", str(config), "--out", str(tmp_path / "compare")])
    assert result.exit_code == 0, result.output
    warning = ("No person of 2025 can be matched in 2026 (2026 is pseudonymised and 2025 is not): ties kept, new "
               "and lost and role changes are not counted; the unit and org figures still compare. To match people, "
               "measure both waves pseudonymised with the same key, or neither")
    assert result.stderr.splitlines() == [f"Warning: {warning}"]
    c = compare(config, "2025", "2026")
    assert c.warnings == [warning] and not c.people_matched
    pair = c.unit_pairs.set_index(["from_unit", "to_unit"]).loc[("Finance", "People & Culture")]
    assert (pair["ties_before"], pair["ties_after"]) == (1, 2)
    assert pair[["ties_kept", "ties_new", "ties_lost"]].isna().all()
    page = (tmp_path / "compare" / "compare.html").read_text(encoding="utf-8")
    assert warning.replace("'", "&#x27;") in page
    # `ona history` shows how each wave was measured, so the analyst sees the odd one out.
    assert [line[-3:] for line in history_lines(runner, config)] == [
        ["Department", "reported", "no"], ["Department", "reported", "no"], ["Department", "reported", "yes"]]
    assert "<td>Finance</td><td>People &amp; Culture</td><td class='num'>1</td><td class='num'>2</td>" \
           "<td class='num'>+1</td><td class='num'>5.0%</td><td class='num'>12.5%</td>" \
           "<td class='num'>–</td><td class='num'>–</td><td class='num'>–</td>" in page
    assert "Not counted: no person of 2025 can be matched in 2026" in page
    assert "No one who took part in both waves" not in page
    rows = sheet(tmp_path / "compare" / "compare.xlsx", "Unit pairs")
    header, finance = rows[0], next(r for r in rows if r[:2] == ("Finance", "People & Culture"))
    assert [finance[header.index(col)] for col in ("ties_before", "ties_after", "ties_kept", "ties_new",
                                                    "ties_lost")] == [1, 2, None, None, None]
    assert sheet(tmp_path / "compare" / "compare.xlsx", "Warnings") == [("warning",), (warning,)]


def test_waves_measured_with_a_different_tie_rule_are_compared_with_a_warning(tmp_path, runner):
    """By mistake 2025 is run with tie_rule = "reciprocated" (2024: "reported"): of 2025's 19 reported
    ties none is returned, so 2025 has 0 ties and its fall from 20 is the rule's doing. The comparison
    says so, naming both rules and how to put it right."""
    config = municipality(tmp_path)
    run(runner, config, "2024")
    config.write_text(config.read_text(encoding="utf-8").replace('tie_rule = "reported"',
                                                                 'tie_rule = "reciprocated"'), encoding="utf-8")
    run(runner, config, "2025")
    result = runner.invoke(cli, ["compare", "2024", "2025", "--history", str(tmp_path / "ona-history.db"),
                                 "--out", str(tmp_path / "compare")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "Warning: 2024 and 2025 were measured with different settings: tie rule 'reported' in 2024, 'reciprocated' "
        "in 2025; a change can come from the setting alone: run the wave that has the wrong one again with --replace"]
    c = compare(config, "2024", "2025")
    assert (c.org.loc["ties", "before"], c.org.loc["ties", "after"]) == (20, 0)
    assert "tie rule &#x27;reported&#x27; in 2024, &#x27;reciprocated&#x27; in 2025" in \
        (tmp_path / "compare" / "compare.html").read_text(encoding="utf-8")


def test_waves_measured_by_a_different_unit_column_are_compared_with_a_warning(tmp_path, runner):
    """By mistake 2025 is measured by "Section" instead of "Department": the warning names both. (The
    [units] entries that name People & Culture and Digital Planning, in no wave stored here, are
    warned about before it, as `ona compare --config` would.)"""
    config = municipality(tmp_path)
    run(runner, config, "2024")
    config.write_text(config.read_text(encoding="utf-8").replace('by = "Department"', 'by = "Section"'),
                      encoding="utf-8")
    run(runner, config, "2025")
    warnings = compare(config, "2024", "2025").warnings
    assert [w.split(":")[0] for w in warnings[:-1]] == ["mapping['HR']", "mapping['IT']", "mapping['Planning']"]
    assert warnings[-1:] == [
        "2024 and 2025 were measured with different settings: unit column (by) 'Department' in 2024, 'Section' in "
        "2025; a change can come from the setting alone: run the wave that has the wrong one again with --replace"]


def history_lines(runner, config: Path) -> list[str]:
    result = runner.invoke(cli, ["history", "--history", str(config.parent / "ona-history.db")])
    assert result.exit_code == 0, result.output
    return [line.split() for line in result.output.splitlines()[1:]]


def test_a_wave_run_again_with_replace_keeps_its_place_among_the_years(stored, runner):
    """2025's tie file missed h5 -> f4; it is corrected and 2025 run again with --replace. `ona history`
    lists the corrected 2025 (20 ties, cross-unit f1-h1, f2-i1, i1-p1, h3-i3, p3-f3, i2-p2, h5-f4 = 7 of
    20 = 35%, E-I -0.30) still between 2024 and 2026, and so do the trend charts' numbers."""
    write_wave(stored.parent / "2025", PEOPLE_2025, [*TIES_2025, ("h5", "f4")])
    run(runner, stored, "2025", "--replace")
    lines = history_lines(runner, stored)
    assert [line[0] for line in lines] == ["2024", "2025", "2026"]
    assert lines[1][3:8] == ["20", "20", "4", "35%", "-0.30"]
    result = runner.invoke(cli, ["compare", "2024", "2026", "--history", str(stored.parent / "ona-history.db"),
                                 "--config", str(stored), "--out", str(stored.parent / "compare")])
    assert result.exit_code == 0, result.output
    waves = sheet(stored.parent / "compare" / "compare.xlsx", "Waves")
    assert [row[0] for row in waves[1:]] == ["2024", "2025", "2026"]


def test_a_history_another_program_is_writing_is_refused_before_the_run(stored, runner):
    """While another program holds the history's write lock, `ona run --replace` stops with one line
    (exit 2) before writing the report, instead of a traceback after it: the report folder of a run
    that could not be stored is not left behind."""
    import shutil
    import sqlite3

    shutil.rmtree(stored.parent / "report-2026")
    other = sqlite3.connect(stored.parent / "ona-history.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        result = runner.invoke(cli, ["run", str(stored), "--wave", "2026", "--replace"])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: ona-history.db: is being written by another program (SQLite: database is locked); wait until it is "
        "done, or close the program that has it open, and run again"]
    assert not (stored.parent / "report-2026").exists()


def test_storing_into_a_history_another_program_is_writing_is_one_error(stored):
    """The same from Python, when the lock is taken between the check and the storing."""
    import sqlite3

    from ona.config import run_wave

    settings = read_config(stored)
    done = run_wave(settings, "2026", store=False)
    other = sqlite3.connect(settings.history_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with ona.open_history(settings.history_path) as history, \
                pytest.raises(ona.OnaError, match=r"^ona-history.db: is being written by another program"):
            history.store("2026", done["measurement"], done["graph"], replace=True)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_misspelt_unit_mapping_is_also_said_at_the_top_of_compare_html(stored, runner):
    """ona.toml's [units] has "Planing" for "Planning": the warning on stderr names the line, and the
    same sentence opens compare.html, where the reader of the comparison (not only who ran it) sees
    why Planning shows as gone and Digital Planning as formed from IT alone."""
    text = stored.read_text(encoding="utf-8")
    stored.write_text(text.replace('"Planning" = "Digital', '"Planing" = "Digital'), encoding="utf-8")
    result = runner.invoke(cli, ["compare", "2025", "2026", "--history", str(stored.parent / "ona-history.db"),
                                 "--config", str(stored), "--out", str(stored.parent / "compare")])
    assert result.exit_code == 0, result.output
    warning = "ona.toml, line 12: unit 'Planing' is in no stored wave, so this mapping is not used; check its spelling"
    assert result.stderr.splitlines() == [f"Warning: {warning}"]
    page = (stored.parent / "compare" / "compare.html").read_text(encoding="utf-8")
    assert f"<h2>Read this first</h2><ul><li>{warning.replace(chr(39), '&#x27;')}</li></ul>" in page
    assert compare(stored, "2025", "2026").units.loc["Digital Planning", "formed_from"] == "IT"


def test_a_misspelt_by_in_ona_toml_names_the_key_and_its_line(tmp_path, runner):
    """by = "Departement" (line 2 of ona.toml): the error names the roster, its header row and the
    columns to choose from, and also the key of ona.toml that asked for it, so the analyst knows
    what to correct; nothing is written and nothing is stored."""
    config = municipality(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace('by = "Department"', 'by = "Departement"'),
                      encoding="utf-8")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2024"])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: roster.csv, row 1: has no column 'Departement' to measure by; ")
    assert line.endswith("(it is by in [measurement] of ona.toml, line 2) [unknown-unit-column]")
    assert not (tmp_path / "report-2024").exists() and not (tmp_path / "ona-history.db").exists()


def test_compare_with_the_config_reads_the_configs_history_wherever_it_is_run(stored, runner, tmp_path,
                                                                              monkeypatch):
    """`ona run` stores the waves in ona.toml's history (beside ona.toml); `ona compare --config`
    must read them there, not an ona-history.db of the folder it is run from (another year's, or
    another organisation's). Run from a folder of its own, it compares 2024 with 2025 as computed by
    hand above (2024 on 2025's units: 7 of 20 ties across units) and links the two waves' reports.
    Told another history (--history, here a copy), it reads that one and links no report of the
    config's: they need not be that history's waves."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(cli, ["compare", "2024", "2025", "--config", str(stored), "--out", str(tmp_path / "cmp")])
    assert result.exit_code == 0, result.output
    assert not (elsewhere / "ona-history.db").exists()
    import pandas as pd

    org = pd.read_excel(tmp_path / "cmp" / "compare.xlsx", sheet_name="Org", engine="openpyxl").set_index("metric")
    assert org.loc["cross_unit_share", "before"] == pytest.approx(7 / 20)
    page = (tmp_path / "cmp" / "compare.html").read_text(encoding="utf-8")
    assert "<a href='../report-2024/index.html'>Report 2024</a>" in page

    import shutil

    shutil.copy(tmp_path / "ona-history.db", elsewhere / "copy.db")
    other = runner.invoke(cli, ["compare", "2024", "2025", "--config", str(stored), "--history", "copy.db",
                                "--out", str(tmp_path / "cmp2")])
    assert other.exit_code == 0, other.output
    assert "report-2024" not in (tmp_path / "cmp2" / "compare.html").read_text(encoding="utf-8")


def test_fewer_than_20_resamples_are_refused_and_none_says_no_change_was_tested(stored, runner):
    """The 95% interval of a change is the 2.5th to 97.5th percentile of at least 20 resampled
    changes. With 19 or fewer no change was tested, yet compare said "meaningful change in no org
    figure" and compare.html claimed the test with 19 resamples: such a number is refused, on the
    command line, in ona.toml (naming its line) and in Python. With 0 (no test, as asked) the
    comparison is written and says that nothing was tested, not that nothing changed."""
    folder = stored.parent
    rule = ("the 95% interval of a change needs at least 20 resamples: give 20 or more (500 by default), or 0 to "
            "test no change")
    few = runner.invoke(cli, ["compare", "2024", "2025", "--config", str(stored), "--bootstraps", "19",
                              "--out", str(folder / "cmp")])
    assert few.exit_code == 2 and few.stderr.splitlines()[-1] == f"Error: Invalid value for --bootstraps: {rule}"
    assert not (folder / "cmp").exists()
    with ona.open_history(folder / "ona-history.db", read_only=True) as history, \
            pytest.raises(ona.InputError) as raised:
        ona.compare_waves(history.load("2024"), history.load("2025"), bootstraps=1)
    assert [(p.code, p.message) for p in raised.value.problems] == [
        ("bad-argument", f"compare_waves(bootstraps=1): {rule}")]
    stored.write_text(stored.read_text(encoding="utf-8").replace("bootstraps = 50", "bootstraps = 10"),
                      encoding="utf-8")
    config = runner.invoke(cli, ["compare", "2024", "2025", "--config", str(stored), "--out", str(folder / "cmp")])
    assert config.exit_code == 2 and config.stderr == f"Error: ona.toml, line 15: bootstraps = 10: {rule}\n"
    stored.write_text(stored.read_text(encoding="utf-8").replace("bootstraps = 10", "bootstraps = 50"),
                      encoding="utf-8")

    none = runner.invoke(cli, ["compare", "2024", "2025", "--config", str(stored), "--bootstraps", "0",
                               "--out", str(folder / "cmp")])
    assert none.exit_code == 0, none.output
    assert none.stdout.splitlines()[0] == "2024 -> 2025: no change tested against re-sampling noise (0 resamples)"
    page = (folder / "cmp" / "compare.html").read_text(encoding="utf-8")
    assert "No change was tested against re-sampling noise (0 resamples)" in page and "0 resamples)." not in page
    tested = runner.invoke(cli, ["compare", "2024", "2025", "--config", str(stored), "--bootstraps", "20",
                                 "--out", str(folder / "cmp")])
    assert tested.exit_code == 0 and tested.stdout.startswith("2024 -> 2025: meaningful change in ")
    assert "95% bootstrap interval of the change excludes zero, 20 resamples" in \
        (folder / "cmp" / "compare.html").read_text(encoding="utf-8")


def test_a_split_under_a_minimum_group_size_shows_no_unit_smaller_than_the_minimum(tmp_path, runner):
    """[privacy] min_group_size = 3: no unit figure may describe fewer than 3 people. Ops (o1-o3)
    splits into Ops North and Ops South in 2025; under the mapping each 2024 person takes their
    2025 unit, so 2024 had Ops North = o1 (1 person) and Ops South = o2, o3 (2), and the comparison
    showed their headcounts and E-I. Both are under 3 and merge, as the measurement merges small
    units, into "Small units (< 3)": 3 people, 2 ties inside (o1-o2, o2-o3) and 1 with Sales
    (o1-s1): E-I (1 - 2) / 3 = -1/3. 2025's units all have 3 people and stay as they are."""
    people = {"2024": [("o1", "Ops"), ("o2", "Ops"), ("o3", "Ops"), ("s1", "Sales"), ("s2", "Sales"), ("s3", "Sales")],
              "2025": [("o1", "Ops North"), ("o4", "Ops North"), ("o5", "Ops North"), ("o2", "Ops South"),
                       ("o3", "Ops South"), ("o6", "Ops South"), ("s1", "Sales"), ("s2", "Sales"), ("s3", "Sales")]}
    ties = {"2024": [("o1", "o2"), ("o2", "o3"), ("s1", "s2"), ("o1", "s1")],
            "2025": [("o1", "o4"), ("o2", "o3"), ("s1", "s2"), ("o1", "s1"), ("o6", "o5")]}
    for wave in people:
        write_wave(tmp_path / wave, people[wave], ties[wave])
    config = tmp_path / "ona.toml"
    config.write_text('[measurement]\nby = "Department"\npermutations = 0\n\n[privacy]\nmin_group_size = 3\n\n'
                      '[units]\n"Ops" = ["Ops North", "Ops South"]\n\n[compare]\nbootstraps = 0\n'
                      + "".join(f'\n[waves.{w}]\nroster = "{w}/roster.csv"\nties = ["{w}/ties.csv"]\n' for w in people),
                      encoding="utf-8")
    for wave in people:
        run(runner, config, wave)
    c = compare(config, "2024", "2025")
    assert c.units["headcount_before"].dropna().to_dict() == {"Sales": 3, "Small units (< 3)": 3}
    assert c.units["headcount_after"].dropna().to_dict() == {"Ops North": 3, "Ops South": 3, "Sales": 3}
    assert c.units.loc["Small units (< 3)", "ei_index_before"] == pytest.approx(-1 / 3)
    assert set(c.unit_pairs["from_unit"]) | set(c.unit_pairs["to_unit"]) <= {"Sales", "Small units (< 3)",
                                                                                "Ops North", "Ops South"}
    result = runner.invoke(cli, ["compare", "2024", "2025", "--config", str(config), "--out", str(tmp_path / "cmp")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "cmp" / "compare.html").read_text(encoding="utf-8")
    assert "<td>Ops North (formed from Ops) — new</td>" in page and "<td>Small units (&lt; 3) — gone</td>" in page
