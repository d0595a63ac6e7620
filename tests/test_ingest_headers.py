"""How a text file is decoded: the exports HR systems and analysts really hand over (byte-order
marks, UTF-16 without one)."""

from __future__ import annotations

import codecs

import pandas as pd
import pytest

import ona
from ona.ingest import _tables
from ona.ingest._tables import read_table

# Encodings ----------------------------------------------------------------------------------------------

EXCEL_ROWS = [["Employee ID", "Name", "Department"], ["E1", "Mette Hansen", "Økonomi"],
              ["E2", "Søren Ølgaard", "Økonomi"], ["E3", "Åsa Öberg", "HR"]]
EXCEL_TEXT = "".join(",".join(row) + "\r\n" for row in EXCEL_ROWS)


@pytest.mark.parametrize("columnar", [True, False])
def test_a_csv_utf8_file_read_with_encoding_utf8_keeps_no_byte_order_mark(tmp_path, monkeypatch, columnar):
    """Excel's "CSV UTF-8" starts with a byte-order mark; naming UTF-8 must not make it part of the
    first header (the id column would go unrecognised and the names would serve as ids)."""
    monkeypatch.setattr(_tables, "COLUMNAR_MIN_BYTES", 0 if columnar else 1 << 62)
    path = tmp_path / "roster.csv"
    path.write_bytes(codecs.BOM_UTF8 + EXCEL_TEXT.encode("utf-8"))
    for encoding in ("utf-8", "UTF8", "utf-8-sig", None):
        table = read_table(path, encoding=encoding)
        assert isinstance(table.frame["Name"].dtype, pd.StringDtype) == columnar
        assert table.headers == ["Employee ID", "Name", "Department"]
        roster = ona.read_roster(path, encoding=encoding)
        assert roster.id_column == "Employee ID" and list(roster.ids) == ["E1", "E2", "E3"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_a_byte_order_mark_is_read(tmp_path, codec):
    path = tmp_path / "roster.txt"
    path.write_bytes("".join("\t".join(row) + "\r\n" for row in EXCEL_ROWS).encode(codec))
    for encoding in (None, codec):
        roster = ona.read_roster(path, encoding=encoding)
        assert list(roster.ids) == ["E1", "E2", "E3"]
        assert roster.people["Name"].tolist() == ["Mette Hansen", "Søren Ølgaard", "Åsa Öberg"]
        assert roster.people["Department"].tolist() == ["Økonomi", "Økonomi", "HR"]

