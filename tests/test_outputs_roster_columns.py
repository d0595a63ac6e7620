"""A roster column named like one of ona's metrics reaches every network file: an HR roster with a
column ``Community`` (the town a person lives in), ``Responded`` or ``Contacts``, measured
``--by Community``, lost those columns from nodes.csv, network.gexf and network.graphml without a
word, and the measured unit column with them. Each is now kept as ``Community (2)``, the way a table
numbers a repeated header, in all three files alike, and `ona analyze` says so."""

from __future__ import annotations

import re

import pandas as pd

from ona.cli import cli

from conftest import write_csv


def _report(tmp_path, runner, header, rows, *options):
    roster = write_csv(tmp_path / "roster.csv", [header, *rows])
    ties = write_csv(tmp_path / "ties.csv", [["source", "target"], ["a1", "a2"], ["a2", "b1"], ["b1", "b2"],
                                             ["b2", "a1"]])
    out = tmp_path / "report"
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(roster), "--ties", str(ties),
                                 "--permutations", "0", "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return out, result


def _xml_names(path, attribute):
    return re.findall(rf'{attribute}="([^"]*)"', path.read_text(encoding="utf-8"))


def test_roster_columns_named_like_metrics_are_kept_under_a_numbered_name_in_every_export(tmp_path, runner):
    header = ["id", "Name", "Department", "Community", "Responded", "Contacts"]
    rows = [["a1", "Anna", "A", "Aarhus", "yes", "ext-0"], ["a2", "Ben", "A", "Aarhus", "no", "ext-1"],
            ["b1", "Cai", "B", "Odense", "yes", "ext-2"], ["b2", "Dan", "B", "Odense", "yes", "ext-3"]]
    out, result = _report(tmp_path, runner, header, rows, "--by", "Community")
    nodes = pd.read_csv(out / "nodes.csv", encoding="utf-8-sig", dtype=str)
    kept = ["Community (2)", "Responded (2)", "Contacts (2)"]
    assert list(nodes.columns[:6]) == ["id", "Name", "Department", *kept]
    assert list(nodes["Community (2)"]) == ["Aarhus", "Aarhus", "Odense", "Odense"]  # the measured units
    assert list(nodes["Contacts (2)"]) == ["ext-0", "ext-1", "ext-2", "ext-3"]
    assert {"community", "responded", "contacts"} <= set(nodes.columns)  # the metrics, as before
    gexf = _xml_names(out / "network.gexf", "title")
    graphml = _xml_names(out / "network.graphml", "attr.name")
    assert gexf[:5] == graphml[:5] == ["Name", "Department", *kept]
    assert 'value="Aarhus"' in (out / "network.gexf").read_text(encoding="utf-8")
    assert ("Note: roster columns 'Community' written as 'Community (2)', 'Responded' written as 'Responded (2)', "
            "'Contacts' written as 'Contacts (2)' in nodes.csv, network.gexf and network.graphml: "
            "metrics have those names\n") in result.stderr


def test_a_numbered_name_the_roster_has_already_takes_the_next_number(tmp_path, runner):
    """Columns Constraint, constraint (2) and In_Degree: the metrics constraint and in_degree are
    there, and so is a roster column 'constraint (2)' (ignoring case), so Constraint becomes
    'Constraint (3)'; In_Degree becomes 'In_Degree (2)'."""
    header = ["id", "Name", "Department", "Constraint", "constraint (2)", "In_Degree"]
    rows = [[p, p.upper(), p[0].upper(), "C", "C2", "I"] for p in ("a1", "a2", "b1", "b2")]
    out, result = _report(tmp_path, runner, header, rows)
    nodes = pd.read_csv(out / "nodes.csv", encoding="utf-8-sig", dtype=str)
    assert list(nodes.columns[:6]) == ["id", "Name", "Department", "Constraint (3)", "constraint (2)", "In_Degree (2)"]
    assert list(nodes["Constraint (3)"]) == ["C"] * 4 and list(nodes["constraint (2)"]) == ["C2"] * 4
    assert _xml_names(out / "network.graphml", "attr.name")[:5] == list(nodes.columns[1:6])
    assert ("'Constraint' written as 'Constraint (3)', 'In_Degree' written as 'In_Degree (2)'"
            in result.stderr)
