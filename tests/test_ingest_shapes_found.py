"""Tie sheets an exploratory tester found read as the wrong network: Nordic headers."""

from __future__ import annotations

import pytest

import ona
from conftest import write_csv, write_xlsx


def ties_of(ties) -> list[tuple[str, str, float]]:
    return sorted((s, t, w) for s, t, w in ties.ties[["source", "target", "weight"]].itertuples(index=False))


@pytest.fixture
def numbered_roster(tmp_path):
    """A Danish municipality's roster whose ids are 1..6: numbers a weight column also holds."""
    return ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["Medarbejdernr", "Navn", "E-mail", "Afdeling"], ["1", "Mette Hansen", "mh@k.dk", "A"],
        ["2", "Per Jensen", "pj@k.dk", "A"], ["3", "Anna Berg", "ab@k.dk", "B"], ["4", "Lars Nielsen", "ln@k.dk", "B"],
        ["5", "Eva Holm", "eh@k.dk", "C"], ["6", "Ole Dahl", "od@k.dk", "C"]]))


# 1. Danish, Swedish and Norwegian headers.
@pytest.mark.parametrize("header", [["Fra", "Til", "Vægt"], ["Från", "Till", "Vikt"], ["Fra", "Til", "Vekt"]],
                         ids=["danish", "swedish", "norwegian"])
def test_a_nordic_edge_list_is_an_edge_list_with_its_weights(numbered_roster, tmp_path, header):
    path = write_csv(tmp_path / "ties.csv", [header, ["1", "2", "3"], ["3", "4", "1"], ["4", "1", "2"]])
    ties = ona.read_ties(path, numbered_roster)
    assert ties.shape == "edges" and ties.weight_column == header[2]
    assert ties_of(ties) == [("1", "2", 3.0), ("3", "4", 1.0), ("4", "1", 2.0)]


@pytest.mark.parametrize("colleague,often", [("Kollega", "Hvor ofte"), ("Kollega", "Hur ofta"),
                                             ("Kollega", "Hyppighed"), ("Colleague", "Frequency")])
def test_frequencies_under_nordic_headers_are_weights_not_colleagues(numbered_roster, tmp_path, colleague, often):
    """The frequencies 3-6 are also roster ids: read as colleagues they made eight ties, no weights."""
    path = write_xlsx(tmp_path / "wide.xlsx", [
        ["Respondent", f"{colleague} 1", f"{often} 1", f"{colleague} 2", f"{often} 2"],
        ["mh@k.dk", "ab@k.dk", 4, "eh@k.dk", 6], ["pj@k.dk", "ln@k.dk", 3, "od@k.dk", 5]])
    ties = ona.read_ties(path, numbered_roster)
    assert ties.shape == "wide"
    assert ties_of(ties) == [("1", "3", 4.0), ("1", "5", 6.0), ("2", "4", 3.0), ("2", "6", 5.0)]
