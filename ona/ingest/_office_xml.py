"""What a workbook shows that its cell values do not say, read from the file's own XML where
python-calamine leaves it out: the merged cells of an OpenDocument sheet (.ods), and whole numbers
that a number format pads with leading zeros (an id 123 shown as ``00123`` by the format
``00000``) in .xlsx and .ods workbooks.

Both are looked for with a byte search first, so a workbook that has neither costs one pass over
its XML at C speed and no parsing.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

__all__ = ["SheetExtras", "WorkbookExtras", "column_number", "xlsx_worksheet_names"]

_CHUNK = 1 << 22
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# In content.xml: a merged cell, and a cell that shows digits with a leading zero.
_ODS_MERGE = re.compile(rb'number-(?:rows|columns)-spanned="')
_ODS_PADDED = re.compile(rb"<text:p>0[0-9]+</text:p>")
# A row or column an .ods sheet hides (hidden, or left out by a filter).
_ODS_HIDDEN = re.compile(rb'table:visibility="(?:collapse|filter)"')
# A cell that shows an error (#N/A): calamine reads its stored value (0) in its place.
_ODS_ERROR = re.compile(rb'calcext:value-type="error"')
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
# A number format that shows a whole number with at least this many digits: 00000.
_PADDING_FORMAT = re.compile(r"0{2,}")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')
#: A worksheet's root element, with the prefix its XML gives the namespace (``<x:worksheet``, as the
#: .NET Open XML SDK writes), if any: every element of the sheet carries it.
WORKSHEET_ROOT = re.compile(rb"<(\w{1,16}:)?worksheet[\s>]")


class SheetExtras:
    """Of one sheet: ``merged`` ranges as calamine gives them (``((row, col), (last_row, last_col))``,
    0-based, from A1), or None where the file has none or calamine's are to be used; ``shown``, the
    text a padded whole number shows, by (row, col); of an .ods sheet, ``hidden_rows`` (as the
    office suite numbers them, from 1: only rows that hold a cell) and ``hidden_columns`` (from 0)."""

    __slots__ = ("merged", "shown", "hidden_rows", "hidden_columns", "errors")

    def __init__(self, merged=None, shown=None, hidden_rows=frozenset(), hidden_columns=frozenset(), errors=()):
        self.merged = merged
        self.shown = shown or {}
        self.hidden_rows = hidden_rows
        self.hidden_columns = hidden_columns
        #: of an .ods sheet, its cells that show an error, as (row from 1, column index from 0, the
        #: text shown, left by a formula): see :func:`ona.ingest._tables._used_range` for .xlsx
        self.errors = errors


class WorkbookExtras:
    """The :class:`SheetExtras` of a workbook's sheets, read on first use and kept: an .ods file's
    content.xml is walked once for every sheet; an .xlsx file's sheet XML only where its styles
    hold a padding number format."""

    def __init__(self, path: Path):
        self.path = path
        self._kind = _zip_kind(path)
        self._sheets: dict[str, SheetExtras] | None = None
        self._xlsx_padding: dict[int, int] | None = None

    def of(self, name: str) -> SheetExtras:
        try:
            if self._kind == "ods":
                if self._sheets is None:
                    self._sheets = _ods_extras(self.path)
                return self._sheets.get(name, _NONE)
            if self._kind == "xlsx":
                if self._sheets is None:
                    self._sheets = {}
                if name not in self._sheets:
                    self._sheets[name] = self._xlsx_sheet(name)
                return self._sheets[name]
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, ElementTree.ParseError):
            # calamine read the file; what it reads stands (and the file is not walked again)
            if self._kind == "ods":
                self._sheets = {}
            elif self._sheets is not None:
                self._sheets[name] = _NONE
        return _NONE

    def _xlsx_sheet(self, name: str) -> SheetExtras:
        if self._xlsx_padding == {}:  # (no padding format: no sheet shows padded numbers, none is opened)
            return _NONE
        with zipfile.ZipFile(self.path) as archive:
            if self._xlsx_padding is None:
                self._xlsx_padding = _xlsx_padding_styles(archive)
            if not self._xlsx_padding:
                return _NONE
            member = next((m for m, sheet in xlsx_worksheet_names(archive).items() if sheet == name), None)
            if member is None:
                return _NONE
            return SheetExtras(shown=_xlsx_padded_cells(archive, member, self._xlsx_padding))


_NONE = SheetExtras()


def _zip_kind(path: Path) -> str | None:
    """``"ods"``, ``"xlsx"`` (also .xlsm) or None (an .xls or .xlsb file, or not a zip)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "content.xml" in names and "mimetype" in names and \
                    archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError):
        pass
    return None


def _contains(archive: zipfile.ZipFile, member: str, *patterns: re.Pattern) -> list[bool]:
    """For each pattern, whether it occurs in ``member`` (read in chunks; a match across two chunks
    is found, as each chunk is searched with the end of the one before)."""
    found = [False] * len(patterns)
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            for i, pattern in enumerate(patterns):
                found[i] = found[i] or pattern.search(data) is not None
            if all(found):
                break
            tail = data[-256:]
    return found


def _ods_extras(path: Path) -> dict[str, SheetExtras]:
    """The merged ranges, padded numbers and hidden rows and columns of every sheet of an .ods file,
    from content.xml.

    Rows and cells are counted as the format repeats them (``number-rows-repeated``,
    ``number-columns-repeated``; covered cells take their place); a merged cell is one with
    ``number-rows-spanned`` or ``number-columns-spanned``; a padded number is a float cell whose
    shown text is its whole value with leading zeros (``office:value="123"``, ``<text:p>00123``); a
    hidden row or column has ``table:visibility`` "collapse" or "filter" (rows only where they hold
    a cell with something in it: a sheet's hidden blank rows may repeat to its millionth row).
    """
    with zipfile.ZipFile(path) as archive:
        merges, padded, hides, shows_errors = _contains(archive, "content.xml", _ODS_MERGE, _ODS_PADDED, _ODS_HIDDEN,
                                                        _ODS_ERROR)
        if not (merges or padded or hides or shows_errors):
            return {}
        out: dict[str, SheetExtras] = {}
        with archive.open("content.xml") as stream:
            name, depth, row, col, column = None, 0, 0, 0, 0
            merged: list = []
            shown: dict = {}
            row_merged: list = []
            row_shown: dict = {}
            hidden_rows: set = set()
            hidden_columns: set = set()
            errors: list = []
            row_errors: list = []
            filled = False  # the row holds a cell with a value or text
            for event, el in ElementTree.iterparse(stream, events=("start", "end")):
                tag = el.tag
                if tag == _TABLE + "table":
                    if event == "start":
                        if name is None:
                            name, depth, row, column, merged, shown = el.get(_TABLE + "name"), 0, 0, 0, [], {}
                            hidden_rows, hidden_columns, errors = set(), set(), []
                        else:
                            depth += 1  # a table inside a cell
                    elif depth:
                        depth -= 1
                    else:
                        out[name] = SheetExtras(merged, shown, frozenset(hidden_rows), frozenset(hidden_columns),
                                                tuple(errors))
                        name = None
                        el.clear()
                    continue
                if name is None or depth:
                    continue
                if tag == _TABLE + "table-column":
                    if event == "start":
                        repeat = int(el.get(_TABLE + "number-columns-repeated", "1"))
                        if el.get(_TABLE + "visibility", "visible") != "visible":
                            hidden_columns.update(range(column, min(column + repeat, 16_384)))
                        column += repeat
                    continue
                if tag == _TABLE + "table-row":
                    if event == "start":
                        col, row_merged, row_shown, row_errors, filled = 0, [], {}, [], False
                        continue
                    repeat = int(el.get(_TABLE + "number-rows-repeated", "1"))
                    errors += [(row + k + 1, c, text, formula) for k in range(repeat if row_errors else 0)
                               for c, text, formula in row_errors]
                    for k in range(repeat if (row_merged or row_shown) else 0):
                        merged += [((row + k, c0), (row + k + r1, c1)) for (c0, r1, c1) in row_merged]
                        shown.update({(row + k, c): text for c, text in row_shown.items()})
                    if filled and el.get(_TABLE + "visibility", "visible") != "visible":
                        hidden_rows.update(range(row + 1, row + 1 + repeat))
                    row += repeat
                    el.clear()
                elif event == "end" and tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                    repeat = int(el.get(_TABLE + "number-columns-repeated", "1"))
                    if hides and not filled:
                        filled = el.get(_OFFICE + "value-type") is not None or el.find(_TEXT_P) is not None
                    if shows_errors and el.get(_CALCEXT + "value-type") == "error":
                        shown = el.find(_TEXT_P)
                        text = "".join(shown.itertext()).strip()[:32] if shown is not None else ""
                        row_errors += [(col + k, text, el.get(_TABLE + "formula") is not None) for k in range(repeat)]
                    if tag == _TABLE + "table-cell":
                        rows = int(el.get(_TABLE + "number-rows-spanned", "1"))
                        cols = int(el.get(_TABLE + "number-columns-spanned", "1"))
                        if rows > 1 or cols > 1:
                            row_merged += [(col + k, rows - 1, col + k + cols - 1) for k in range(repeat)]
                        if padded and el.get(_OFFICE + "value-type") == "float":
                            text = _padded_text(el)
                            if text is not None:
                                row_shown.update({col + k: text for k in range(repeat)})
                    col += repeat
                    el.clear()
        return out


def _padded_text(cell) -> str | None:
    """The shown text of an .ods float cell when it is the cell's whole value with leading zeros."""
    paragraphs = cell.findall(_TEXT_P)
    if len(paragraphs) != 1:
        return None
    text = "".join(paragraphs[0].itertext())
    if len(text) < 2 or not text.startswith("0") or not text.isdigit() or not text.isascii():
        return None
    try:
        value = float(cell.get(_OFFICE + "value", ""))
    except ValueError:
        return None
    return text if value == int(text) else None


def _xlsx_padding_styles(archive: zipfile.ZipFile) -> dict[int, int]:
    """The cell styles (``s`` of a cell, the index into ``cellXfs``) whose number format pads whole
    numbers with zeros (``00000``, the format of the first section), with the digits shown."""
    try:
        root = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return {}
    widths = {}
    for fmt in root.iter(_MAIN + "numFmt"):
        code = (fmt.get("formatCode") or "").split(";")[0]
        if _PADDING_FORMAT.fullmatch(code):
            widths[fmt.get("numFmtId")] = len(code)
    if not widths:
        return {}
    xfs = root.find(_MAIN + "cellXfs")
    if xfs is None:
        return {}
    return {i: widths[xf.get("numFmtId")] for i, xf in enumerate(xfs.iter(_MAIN + "xf"))
            if xf.get("numFmtId") in widths}


def xlsx_worksheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """The sheet name of each worksheet part of an .xlsx workbook (``xl/worksheets/sheet1.xml``:
    "Data"), from ``xl/workbook.xml`` and its relationships, with ``..`` in a target resolved; empty
    when they cannot be read. Elements are matched by local name, so a Strict Open XML workbook
    (other namespaces) is read too."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, OSError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    targets = {link.get("Id"): link.get("Target") for link in links.iter()
               if _local(link.tag) == "Relationship"}
    names = {}
    for sheet in workbook.iter():
        if _local(sheet.tag) != "sheet" or sheet.get("name") is None:
            continue
        link = next((v for k, v in sheet.attrib.items() if k.startswith("{") and _local(k) == "id"), None)
        target = targets.get(link)
        if target:
            names[_part_name(target)] = sheet.get("name")
    return names


def _local(name: str) -> str:
    """An XML name without its namespace (``{uri}sheet``: ``sheet``)."""
    return name.rpartition("}")[2]


def _part_name(target: str) -> str:
    """The zip member a relationship target of xl/workbook.xml names (``worksheets/sheet1.xml``,
    ``/xl/worksheets/sheet1.xml`` and ``../xl/worksheets/sheet1.xml`` all name
    ``xl/worksheets/sheet1.xml``)."""
    member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    parts: list[str] = []
    for part in member.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts)


def column_number(letters: bytes) -> int:
    """The number of a column from its letters.

    >>> column_number(b"A"), column_number(b"AB"), column_number(b"XFD")
    (1, 28, 16384)
    """
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _xlsx_padded_cells(archive: zipfile.ZipFile, member: str, styles: dict[int, int]) -> dict:
    """The shown text of every whole number of 0 or more in a worksheet whose style pads it with
    zeros, by (row, col), 0-based: the sheet XML is searched for cells of those styles only."""
    shown = {}
    tail = b""
    style = None
    with archive.open(member) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            data = tail + chunk
            if style is None:  # (the sheet's prefix, from its root element: <x:c> where it has one)
                root = WORKSHEET_ROOT.search(data, 0, 1 << 16)
                prefix = root.group(1) or b"" if root else b""
                p = re.escape(prefix)
                style = re.compile(rb"<" + p + rb'c\b[^>]*?\bs="(' + b"|".join(str(s).encode() for s in styles)
                                   + rb')"[^>]*>')
                value_pattern = re.compile(rb"<" + p + rb"v>([^<]*)</" + p + rb"v>")
                cell_end = b"</" + prefix + b"c>"
            if chunk:
                # Cut before the last cell's start tag: no cell is split between two chunks.
                cut = max(data.rfind(b"<" + prefix + b"c "), data.rfind(b"<" + prefix + b"c>"))
                if cut > 0:
                    data, tail = data[:cut], data[cut:]
                else:
                    tail = b""
            for m in style.finditer(data):
                tag = m.group(0)
                if tag.endswith(b"/>"):
                    continue
                kind = _CELL_TYPE.search(tag)
                if kind is not None and kind.group(1) != b"n":
                    continue
                ref = _CELL_REF.search(tag)
                end = data.find(cell_end, m.end())
                value = value_pattern.search(data, m.end(), end if end >= 0 else len(data))
                if ref is None or value is None:
                    continue
                try:
                    number = float(value.group(1))
                except ValueError:
                    continue
                if number < 0 or not number.is_integer() or number >= 1e15:
                    continue
                shown[(int(ref.group(2)) - 1, column_number(ref.group(1)) - 1)] = str(int(number)).zfill(styles[int(m.group(1))])
            if not chunk:
                break
    return shown
