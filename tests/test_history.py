"""The yearly measurement: an analyst stores each year's run as a wave, lists the waves, compares two
years and trusts that a crash never damages earlier years; a script re-runs everything from
ona.toml."""

from __future__ import annotations

import math
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import ona
from ona.cli import cli
from ona.compare import compare_waves, is_meaningful
from ona.config import read_config, run_wave
from ona.errors import OnaError
from ona.history import SCHEMA_VERSION, open_history

from conftest import ROOT, write_csv

YEARLY = ROOT / "examples" / "yearly"
MERGER = {"Employment": "Employment & Social", "Social & Psychiatry": "Employment & Social"}


def hand_network(data_dir):
    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    graph = ona.build_graph(roster, ona.read_ties(data_dir / "analyze" / "ties.csv", roster))
    return graph, ona.measure(graph, by="Department", permutations=50)


def same_dict(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        (isinstance(a[k], float) and math.isnan(a[k]) and isinstance(b[k], float) and math.isnan(b[k])) or a[k] == b[k]
        for k in a)


def assert_same_measurement(loaded, original):
    for name in ("people", "units", "unit_pairs"):
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(original, name))
    assert loaded.extra.keys() == original.extra.keys()
    for name in original.extra:
        pd.testing.assert_frame_equal(loaded.extra[name], original.extra[name])
    assert same_dict(loaded.summary, original.summary)
    assert loaded.parameters == original.parameters


def test_a_stored_wave_loads_back_equal(tmp_path, data_dir):
    graph, m = hand_network(data_dir)
    with open_history(tmp_path / "h.db") as history:
        history.store("2025", m, graph, inputs={"roster": data_dir / "analyze" / "roster.csv"})
        wave = history.load("2025")
        assert history.schema_version == SCHEMA_VERSION
    assert_same_measurement(wave.measurement, m)
    assert len(wave.edges) == graph.m and wave.edges["weight"].sum() == graph.weight.sum()
    import hashlib

    digest = hashlib.sha256((data_dir / "analyze" / "roster.csv").read_bytes()).hexdigest()
    assert wave.inputs.to_dict("records") == [{"role": "roster", "path": str(data_dir / "analyze" / "roster.csv"),
                                               "sha256": digest}]
    assert wave.ona_version == ona.__version__


def test_a_stored_label_is_refused_unless_replaced(tmp_path, data_dir):
    graph, m = hand_network(data_dir)
    with open_history(tmp_path / "h.db") as history:
        history.store("2025", m, graph)
        with pytest.raises(OnaError, match="already stored"):
            history.store("2025", m, graph)
        history.store("2025", m, graph, replace=True)
        assert history.labels() == ["2025"]


def test_a_write_killed_halfway_leaves_earlier_waves_intact(tmp_path, data_dir):
    """A child process stores a second wave and is killed with SIGKILL after writing every row of
    it but before the commit: the file still holds exactly the first wave, readable and intact."""
    graph, m = hand_network(data_dir)
    db = tmp_path / "h.db"
    with open_history(db) as history:
        history.store("2024", m, graph)
    child = textwrap.dedent(f"""
        import sys, time, ona
        from ona.history import open_history
        roster = ona.read_roster({str(data_dir / "analyze" / "roster.csv")!r})
        graph = ona.build_graph(roster, ona.read_ties({str(data_dir / "analyze" / "ties.csv")!r}, roster))
        m = ona.measure(graph, by="Department", permutations=50)
        def hold():
            print("writing", flush=True)
            time.sleep(120)
        with open_history({str(db)!r}) as history:
            history.store("2025", m, graph, _before_commit=hold)
    """)
    process = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "writing"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with open_history(db) as history:
        assert history.labels() == ["2024"]
        assert_same_measurement(history.load("2024").measurement, m)


def test_the_schema_is_versioned(tmp_path):
    newer = tmp_path / "newer.db"
    with sqlite3.connect(newer) as raw:
        raw.execute("PRAGMA user_version = 99")
    with pytest.raises(OnaError, match="newer ona"):
        open_history(newer)
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("not a database, just text " * 100)
    with pytest.raises(OnaError, match="not an ona history file"):
        open_history(not_a_db)


def project(folder, data_dir):
    """A project folder as `ona init` leaves it: the 2025 roster and ties in 2025/, and ona.toml
    naming them relative to itself, its history beside it."""
    (folder / "2025").mkdir(parents=True)
    for name in ("roster.csv", "ties.csv"):
        shutil.copy(data_dir / "analyze" / name, folder / "2025" / name)
    config = folder / "ona.toml"
    config.write_text('[measurement]\nby = "Department"\npermutations = 0\nhistory = "ona-history.db"\n'
                      '[waves.2025]\nroster = "2025/roster.csv"\nties = ["2025/ties.csv"]\n', encoding="utf-8")
    return config


def test_a_wave_run_from_another_folder_names_its_inputs_after_the_project_folder_moves(tmp_path, runner,
                                                                                      data_dir, monkeypatch):
    """The analyst runs `ona run ../project/ona.toml` from a folder of their own, then moves the
    project folder (to the shared drive). The history keeps each input relative to its own folder
    (2025/roster.csv), so the moved history names the files where they are now; before, it kept
    ../project/2025/roster.csv, a path from the folder the run started in, which names no file from
    the history's folder nor from anywhere else once the project has moved."""
    config = project(tmp_path / "project", data_dir)
    (tmp_path / "mine").mkdir()
    monkeypatch.chdir(tmp_path / "mine")
    result = runner.invoke(cli, ["run", "../project/ona.toml", "--wave", "2025"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(config.parent / "ona-history.db") as raw:
        assert raw.execute("SELECT role, from_history FROM input_file ORDER BY role").fetchall() == [
            ("roster", "2025/roster.csv"), ("ties", "2025/ties.csv")]
    shutil.move(tmp_path / "project", tmp_path / "shared")
    with open_history(tmp_path / "shared" / "ona-history.db", read_only=True) as history:
        inputs = history.load("2025").inputs
    assert inputs["path"].tolist() == [str(tmp_path / "shared" / "2025" / "roster.csv"),
                                       str(tmp_path / "shared" / "2025" / "ties.csv")]
    import hashlib

    assert inputs["sha256"].tolist() == [hashlib.sha256(open(path, "rb").read()).hexdigest() for path in inputs["path"]]


def test_a_history_stored_before_inputs_were_kept_relative_reads_and_takes_new_waves(tmp_path, runner, data_dir):
    """A history written by the ona before (schema 1: input_file without from_history, each input's
    path as the run named it, here 2025/roster.csv from the project folder) is written by hand.
    Read only, its wave loads with the paths as stored; `ona run` of another wave brings the file up
    to date (schema 2) and stores the new wave's inputs relative to the history, the old wave's
    paths read as before, and the two waves compare."""
    config = project(tmp_path / "project", data_dir)
    with config.open("a", encoding="utf-8") as handle:
        handle.write('[waves.2026]\nroster = "2025/roster.csv"\nties = ["2025/ties.csv"]\n')
    old = config.parent / "ona-history.db"
    assert runner.invoke(cli, ["run", str(config), "--wave", "2025"]).exit_code == 0
    with sqlite3.connect(old) as raw:  # the file as the ona before wrote it
        raw.execute("UPDATE input_file SET path = from_history")  # (as `ona run ona.toml` in the project stored it)
        raw.execute("ALTER TABLE input_file DROP COLUMN from_history")
        raw.execute("PRAGMA user_version = 1")
        assert raw.execute("SELECT path FROM input_file ORDER BY role").fetchall() == [("2025/roster.csv",),
                                                                                       ("2025/ties.csv",)]
    with open_history(old, read_only=True) as history:
        assert history.schema_version == 1
        assert history.load("2025").inputs["path"].tolist() == ["2025/roster.csv", "2025/ties.csv"]
    result = runner.invoke(cli, ["run", str(config), "--wave", "2026"])
    assert result.exit_code == 0, result.output
    with open_history(old, read_only=True) as history:
        assert history.schema_version == SCHEMA_VERSION == 2
        assert history.load("2025").inputs["path"].tolist() == ["2025/roster.csv", "2025/ties.csv"]
        assert history.load("2026").inputs["path"].tolist() == [str(config.parent / "2025" / "roster.csv"),
                                                                str(config.parent / "2025" / "ties.csv")]
    compared = runner.invoke(cli, ["compare", "2025", "2026", "--config", str(config), "--bootstraps", "0",
                                   "--out", str(tmp_path / "compare")])
    assert compared.exit_code == 0, compared.output


# --- The yearly example: a merger in 2025, a new cross-unit team in 2026 ----------------------

@pytest.fixture(scope="module")
def yearly(tmp_path_factory):
    folder = tmp_path_factory.mktemp("yearly")
    for item in ("2024", "2025", "2026", "ona.toml"):
        src = YEARLY / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, folder / item)
    config = read_config(folder / "ona.toml")
    for wave in config.waves:
        run_wave(config, wave)
    return config


def test_the_comparison_carries_the_merger_through(yearly):
    """2025: Employment and Social & Psychiatry became Employment & Social. Under the config's
    unit mapping the merged unit is compared as a whole (both former units' people and ties), and
    the people of the two former units who now work together make it more inward-looking."""
    with open_history(yearly.history_path) as history:
        c = compare_waves(history.load("2024"), history.load("2025"), mapping=yearly.units, bootstraps=300)
    merged = c.units.loc["Employment & Social"]
    assert merged["formed_from"] == "Employment, Social & Psychiatry"
    assert merged["status"] == "both"
    assert merged["headcount_before"] == merged["headcount_after"] == 88
    assert merged["ei_change"] < 0 and is_meaningful(merged["ei_change_meaningful"])
    assert "Employment" not in c.units.index and "Social & Psychiatry" not in c.units.index
    assert c.org.loc["units", "before"] == c.org.loc["units", "after"] == 12


def test_the_comparison_finds_the_new_cross_unit_team(yearly):
    """2026: a Family Team of 8 caseworkers each from Child & Family Services, Schools and
    Employment & Social. Exactly those three units open up beyond re-sampling noise; the pairs
    between them gain the most ties; team members became boundary spanners."""
    with open_history(yearly.history_path) as history:
        c = compare_waves(history.load("2025"), history.load("2026"), mapping=yearly.units, bootstraps=300)
    team_units = {"Child & Family Services", "Schools", "Employment & Social"}
    opened = {u for u, r in c.units.iterrows() if is_meaningful(r["ei_change_meaningful"])}
    assert opened == team_units
    assert all(c.units.loc[u, "ei_change"] > 0 for u in team_units)
    net = c.unit_pairs.assign(net=c.unit_pairs["ties_new"] - c.unit_pairs["ties_lost"])
    top = net.sort_values("net", ascending=False).head(6)
    assert set(zip(top["from_unit"], top["to_unit"])) == {(a, b) for a in team_units for b in team_units if a != b}
    roster = pd.read_excel(yearly.folder / "2026" / "roster.xlsx", dtype=str, engine="calamine")
    team = set(roster.loc[roster["Team"] == "Family Team", "Employee ID"])
    became = set(c.people.loc[(c.people["role"] == "boundary spanner") & (c.people["change"] == "became"), "id"])
    assert len(became & team) >= 8
    assert is_meaningful(c.org.loc["cross_unit_share", "meaningful"])


def test_identical_waves_show_no_meaningful_change(tmp_path, data_dir):
    """The bootstrap interval of a change between two identical waves contains 0 everywhere."""
    example = ROOT / "examples" / "municipality"
    roster = ona.read_roster(example / "roster.xlsx")
    graph = ona.build_graph(roster, ona.read_ties(example / "ties.xlsx", roster))
    m = ona.measure(graph, permutations=20)
    with open_history(tmp_path / "h.db") as history:
        history.store("a", m, graph)
        history.store("b", m, graph)
        c = compare_waves(history.load("a"), history.load("b"), bootstraps=200)
    assert c.org.loc["ei_index", "change"] == 0 and not is_meaningful(c.org.loc["ei_index", "meaningful"])
    assert not any(is_meaningful(v) for v in c.units["ei_change_meaningful"])
    assert c.unit_pairs[["ties_new", "ties_lost"]].sum().sum() == 0 and len(c.people) == 0


def test_the_cli_round_trip_init_run_history_compare(tmp_path, runner):
    for item in ("2024", "2025"):
        shutil.copytree(YEARLY / item, tmp_path / item)
    config = tmp_path / "ona.toml"
    result = runner.invoke(cli, ["init", "--roster", str(tmp_path / "2024" / "roster.xlsx"), "--ties",
                                 str(tmp_path / "2024" / "ties.xlsx"), "--wave", "2024", "--out", str(config)])
    assert result.exit_code == 0, result.output
    text = config.read_text(encoding="utf-8")
    assert 'by = "Department"' in text and 'roster = "2024/roster.xlsx"' in text
    config.write_text(text + '\n[waves.2025]\nroster = "2025/roster.xlsx"\nties = ["2025/ties.xlsx"]\n'
                      '\n[units]\n"Employment" = "Employment & Social"\n"Social & Psychiatry" = "Employment & Social"\n',
                      encoding="utf-8")
    for wave in ("2024", "2025"):
        result = runner.invoke(cli, ["run", str(config), "--wave", wave])
        assert result.exit_code == 0, result.output
        assert f"Stored as wave {wave}" in result.output
        assert (tmp_path / f"report-{wave}" / "index.html").exists()
    again = runner.invoke(cli, ["run", str(config), "--wave", "2024"])
    assert again.exit_code == 2 and "already stored" in again.output
    listing = runner.invoke(cli, ["history", "--history", str(tmp_path / "ona-history.db")])
    lines = listing.output.strip().splitlines()
    assert listing.exit_code == 0 and [line.split()[0] for line in lines[1:]] == ["2024", "2025"]
    out = tmp_path / "compare"
    result = runner.invoke(cli, ["compare", "2024", "2025", "--history", str(tmp_path / "ona-history.db"),
                                 "--config", str(config), "--out", str(out), "--bootstraps", "200"])
    assert result.exit_code == 0, result.output
    assert "unit E-I of Employment & Social" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["compare.html", "compare.xlsx"]
    html = (out / "compare.html").read_text(encoding="utf-8")
    assert "Employment &amp; Social (formed from Employment, Social &amp; Psychiatry)" in html
    assert "<script" not in html


def test_analyze_stores_a_wave(tmp_path, runner, data_dir):
    db = tmp_path / "h.db"
    args = ["analyze", "--roster", str(data_dir / "analyze" / "roster.csv"), "--ties",
            str(data_dir / "analyze" / "ties.csv"), "--out", str(tmp_path / "r"), "--wave", "2025", "--history", str(db)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    with open_history(db) as history:
        assert history.labels() == ["2025"]
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 2 and "pass --replace" in refused.output
    assert runner.invoke(cli, args + ["--replace"]).exit_code == 0


@pytest.mark.parametrize("content, message", [
    ('[measurement]\nby = "Department"\ncolour = "red"\n', "line 3: unknown key 'colour' in [measurement]"),
    ('[measurement]\n\nseed = "one"\n', "line 3: seed must be a whole number, not 'one'"),
    ('[measurement]\ntie_rule = "mutual"\n', "line 2: tie_rule must be one of reported, reciprocated, union"),
    ('[waves.2025]\nties = ["t.xlsx"]\n', "line 1: wave '2025' has no roster"),
    ('[privacy]\nmin_group_size = "five"\n', "line 2: min_group_size must be a whole number"),
    ('[waves.2025]\nroster = "r.xlsx"\nties = ["t.xlsx"]\nemail = ["mail.csv"]\n', "line 1: wave '2025' has both ties and email"),
    ('[email]\nexternal = "maybe"\n', "line 2: external must be one of drop, domain, keep"),
    ('[email]\nengine = "bigquery"\n', "line 2: engine must be one of duckdb, spark"),
    ('[measurement\nby = 1\n', "is not valid TOML"),
    ('[shapes]\nx = 1\n', "line 1: unknown section [shapes]"),
])
def test_config_errors_name_the_line(tmp_path, runner, content, message):
    config = tmp_path / "ona.toml"
    config.write_text(content + ('\n[waves.2025]\nroster = "r.xlsx"\nties = "t.xlsx"\n'
                                 if "[waves" not in content else ""), encoding="utf-8")
    with pytest.raises(OnaError) as caught:
        read_config(config)
    assert message in str(caught.value)
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025"])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_a_config_with_ratings_and_privacy_runs_and_stores_the_rating_tables(tmp_path, runner):
    """[privacy] pseudonymises the roster (names never reach the report) and [ratings] adds the
    rating tables, which are stored with the wave so later waves can be compared."""
    example = ROOT / "examples" / "municipality"
    (tmp_path / "key.bin").write_bytes(b"a key of more than sixteen bytes!")
    config = tmp_path / "ona.toml"
    config.write_text(f'''
[measurement]
by = "Department"
permutations = 20
[privacy]
pseudonymize = "key.bin"
[ratings]
scale = "{example / 'scale.toml'}"
[waves.2025]
roster = "{example / 'roster.xlsx'}"
ties = "{example / 'ties.xlsx'}"
ratings = "{example / 'ratings.xlsx'}"
''', encoding="utf-8")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025"])
    assert result.exit_code == 0, result.output
    index = (tmp_path / "report-2025" / "index.html").read_text(encoding="utf-8")
    assert "Agnès Vestergaard" not in index and "E0116" not in index
    assert (tmp_path / "report-2025" / "ratings.html").exists()
    with open_history(tmp_path / "ona-history.db") as history:
        stored = history.load("2025").measurement
    assert {"rating_cells", "rating_gaps", "rating_units"} <= set(stored.extra)


def test_a_second_rating_wave_shows_which_gaps_closed(tmp_path, data_dir):
    """Two waves with unit ratings: Finance's we/they gap of the first wave closes in the second."""
    from ona.ingest.ratings import read_ratings
    from ona.metrics.ratings import measure_ratings

    graph, m = hand_network(data_dir)
    with open_history(tmp_path / "h.db") as history:
        for label, b_rates_a in (("2024", "1"), ("2025", "4")):
            rows = [["Respondent unit", "Rated unit", "q"]] + [["A", "B", "5"]] * 5 + [["B", "A", b_rates_a]] * 5
            path = tmp_path / f"{label}.csv"
            write_csv(path, rows)
            wave = ona.measure(graph, by="Department", permutations=10)
            wave.extra.update(measure_ratings(read_ratings(path, None)).tables())
            history.store(label, wave, graph)
        c = compare_waves(history.load("2024"), history.load("2025"), bootstraps=20)
    assert c.ratings.loc["A", "gap_before"] == 4 and c.ratings.loc["A", "gap_after"] == 1
    assert bool(c.ratings.loc["A", "gap_closed"])


def test_a_split_unit_is_carried_through_by_where_its_people_went(tmp_path, data_dir):
    """Unit A (a1, a2, a3) splits into A-North (a1, a2) and A-South (a3): with the mapping
    A = ["A-North", "A-South"], each of A's people in the earlier wave is counted in the unit they
    are in later, so the earlier wave has A-North 2 and A-South 1 people, and unit A disappears."""
    from dataclasses import replace

    graph, m = hand_network(data_dir)
    later_people = m.people.copy()
    later_people["unit"] = later_people["unit"].astype(object)
    later_people.loc[["a1", "a2"], "unit"] = "A-North"
    later_people.loc["a3", "unit"] = "A-South"
    with open_history(tmp_path / "h.db") as history:
        history.store("2024", m, graph)
        history.store("2025", replace(m, people=later_people), graph)
        c = compare_waves(history.load("2024"), history.load("2025"), mapping={"A": ["A-North", "A-South"]},
                          bootstraps=20)
    assert "A" not in c.units.index
    assert c.units.loc["A-North", "headcount_before"] == 2 and c.units.loc["A-South", "headcount_before"] == 1
    assert c.units.loc["A-North", "formed_from"] == "A"


def test_a_broker_in_the_comparison_links_units():
    """Björn brokers 93 times, all as coordinator inside his own unit; Ann is a gatekeeper 5 times
    and Cy an itinerant once. Ranked by brokerage across units, Ann is the broker of the wave and
    Björn is not, as on index.html."""
    import pandas as pd

    from ona.compare import _brokers

    roles = {"coordinator": [93, 0, 0], "consultant": [0, 0, 1], "representative": [0, 0, 0],
             "gatekeeper": [0, 5, 0], "liaison": [0, 0, 0]}
    people = pd.DataFrame(roles, index=["bjorn", "ann", "cy"])
    people["brokerage_total"] = people.sum(axis=1)
    assert _brokers(people).to_dict() == {"bjorn": False, "ann": True, "cy": False}


def test_the_readmes_yearly_snippet_compares_the_merged_unit_as_the_config_does(yearly, capsys):
    """A script copied from README.md's yearly section, run beside the stored history, reads it
    without changing it and compares Employment & Social as a whole, as ona.toml's [units] does."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = next(block for block in re.findall(r"```python\n(.*?)```", readme, flags=re.S)
                   if "open_history" in block)
    history_file = yearly.folder / "ona-history.db"
    assert yearly.history_path == history_file
    before = history_file.read_bytes()
    mapping = {}
    real_compare = ona.compare_waves

    def compare_and_keep_mapping(*args, **kwargs):
        mapping.update(kwargs.get("mapping") or {})
        return real_compare(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(yearly.folder)
        patch.setattr(ona, "compare_waves", compare_and_keep_mapping)
        exec(compile(snippet, "README.md", "exec"), {})
    assert mapping == yearly.units
    assert history_file.read_bytes() == before
    assert "Employment & Social" in capsys.readouterr().out


def test_a_wave_measured_from_a_folder_of_email_exports_is_stored_with_each_file(tmp_path, runner):
    """Microsoft Graph Data Connect writes a folder of Parquet files partitioned by date; `ona
    analyze --email mail/ --wave 2025 --history h.db` measured it, then refused to store it ("the
    email input is a folder"), after the whole run. The wave now holds each file of the folder (a
    hidden .DS_Store left out) with its SHA-256."""
    import hashlib

    parts = [tmp_path / "mail" / "day=2025-01-01" / "a.parquet", tmp_path / "mail" / "day=2025-01-02" / "b.parquet"]
    for part, (sender, recipient) in zip(parts, [("a@k.dk", "b@k.dk"), ("b@k.dk", "c@k.dk")]):
        part.parent.mkdir(parents=True)
        pd.DataFrame({"From": [sender], "To": [recipient], "Date": ["2025-01-01 10:00:00"]}).to_parquet(part)
    (tmp_path / "mail" / ".DS_Store").write_bytes(b"\0")
    write_csv(tmp_path / "roster.csv", [["id", "Email", "Department"], ["a", "a@k.dk", "X"], ["b", "b@k.dk", "X"],
                                         ["c", "c@k.dk", "Y"]])
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "roster.csv"), "--email", str(tmp_path / "mail"),
                                 "--out", str(tmp_path / "out"), "--permutations", "0", "--wave", "2025",
                                 "--history", str(tmp_path / "h.db")])
    assert result.exit_code == 0, result.output
    with open_history(tmp_path / "h.db", read_only=True) as history:
        inputs = history.load("2025").inputs
    email = inputs[inputs["role"] == "email"]
    assert [Path(p).relative_to(tmp_path).as_posix() for p in email["path"]] == [
        "mail/day=2025-01-01/a.parquet", "mail/day=2025-01-02/b.parquet"]
    assert list(email["sha256"]) == [hashlib.sha256(p.read_bytes()).hexdigest() for p in parts]


def test_a_wave_of_ona_toml_reads_its_email_exports_by_a_pattern(tmp_path, runner, monkeypatch):
    """`email = ["mail/2025-*.csv"]` in ona.toml was taken as one file named with a star ("no such
    file"), while `ona analyze --email 'mail/2025-*.csv'` reads the files it matches. A wave now
    reads them too, from ona.toml's folder whatever folder the run starts in, and stores each; a
    pattern that matches nothing is an error naming its line."""
    (tmp_path / "mail").mkdir()
    for month, (sender, recipient) in (("01", ("a@k.dk", "b@k.dk")), ("02", ("b@k.dk", "c@k.dk"))):
        (tmp_path / "mail" / f"2025-{month}.csv").write_text(f"From,To,Date\n{sender},{recipient},2025-{month}-01 10:00:00\n")
    write_csv(tmp_path / "roster.csv", [["id", "Email", "Department"], ["a", "a@k.dk", "X"], ["b", "b@k.dk", "X"],
                                         ["c", "c@k.dk", "Y"]])
    config = tmp_path / "ona.toml"
    config.write_text('[measurement]\nout = "report-{wave}"\npermutations = 0\n\n'
                      '[waves.2025]\nroster = "roster.csv"\nemail = ["mail/2025-*.csv"]\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025"])
    assert result.exit_code == 0, result.output
    with open_history(tmp_path / "ona-history.db", read_only=True) as history:
        wave = history.load("2025")
    assert wave.measurement.summary["ties"] == 2
    assert [Path(p).name for p in wave.inputs.loc[wave.inputs["role"] == "email", "path"]] == ["2025-01.csv",
                                                                                              "2025-02.csv"]
    config.write_text('[waves.2026]\nroster = "roster.csv"\nemail = ["mail/2026-*.csv"]\n', encoding="utf-8")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2026", "--no-history"])
    assert result.exit_code == 2
    assert result.stderr == "Error: ona.toml, line 3: no file matches 'mail/2026-*.csv'\n"


def test_an_export_on_a_cluster_is_stored_by_its_address(tmp_path, data_dir):
    """An email wave read on Spark from abfss://... : Path() made it "abfss:/...", and storing it
    said the input does not exist. It is kept by its address as written, with no digest (only the
    cluster could make one)."""
    graph, m = hand_network(data_dir)
    address = "abfss://mail@lake.dfs.core.windows.net/exports/2025"
    with open_history(tmp_path / "h.db") as history:
        history.store("2025", m, graph, inputs={"roster": data_dir / "analyze" / "roster.csv", "email": [address]})
        inputs = history.load("2025").inputs
    assert inputs[inputs["role"] == "email"].to_dict("records") == [{"role": "email", "path": address, "sha256": ""}]
