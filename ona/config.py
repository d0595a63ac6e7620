"""ona.toml: one file that describes the yearly measurement and re-runs it.

    [measurement]           what is measured and how (the options of `ona analyze`; repeats = "sum",
                            date_order of a tie list's dates, weight_labels = "labels.toml")
    [columns]               column names, when the headers are not recognised (date: a tie list's)
    [units]                 unit mapping for comparisons: "old name" = "new name" (renames, mergers),
                            "old name" = ["new 1", "new 2"] (a split)
    [compare]               bootstraps, seed
    [privacy]               pseudonymize = "key file", min_group_size
    [email]                 the email rules (external, max_recipients, weight, cc_weight, since, ...,
                            date_order = "day-first" or "month-first", engine = "duckdb" or "spark")
    [ratings]               scale = "scale.toml", unit_type_column
    [waves.2025]            the inputs of one wave: roster and ties, email and/or ratings; ties_since
                            and ties_until choose the ties of a dated tie list (one file for every year);
                            by = "Team" measures the wave by another column than [measurement]'s by
    [waves.2025.columns]    the wave's own headers, key by key over [columns] (unit = "Afdeling": the
                            unit column measured, under the header it has that year)

Every key is checked: an unknown key or a bad value is an error naming the line. Paths are
relative to the folder of the config file.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from pathlib import Path

from ._arguments import BOOTSTRAPS_RULE, MIN_BOOTSTRAPS, MINIMUM, label_problem
from .errors import InputError, OnaError

__all__ = ["Config", "read_config", "starter_config", "run_wave"]

# How a config error names the kind of value a key needs.
_KIND_WORDS = {"str": "a string", "int": "a whole number", "float": "a number", "bool": "true or false",
               "list": "a list", "dict": "a table"}

_MEASUREMENT = {"by": str, "tie_rule": str, "layer": str, "combine": str, "seed": int, "permutations": int,
                "size_by": str, "history": str, "out": str, "exact_betweenness_limit": int,
                "betweenness_samples": int, "drop_unknown": bool, "ties_format": str, "delimiter": str,
                "encoding": str, "repeats": str, "date_order": str, "weight_labels": str}
_COLUMNS = {"id": str, "name": str, "email": str, "unit": str, "source": str, "target": str, "weight": str,
            "date": str}
_COMPARE = {"bootstraps": int, "seed": int}
_WAVE = {"roster": str, "ties": (str, list), "roster_sheet": str, "ties_sheet": str, "roster_header_row": int,
         "ties_header_row": int, "roster_encoding": str, "roster_delimiter": str, "ties_encoding": str,
         "ties_delimiter": str, "email": (str, list), "ratings": str, "ties_since": str, "ties_until": str,
         "by": str, "columns": dict}
_PRIVACY = {"pseudonymize": str, "min_group_size": int}
_EMAIL = {"external": str, "max_recipients": int, "weight": str, "cc_weight": (int, float), "since": str,
          "until": str, "min_messages": int, "reciprocal": bool, "exclude": list, "aliases": str,
          "engine": str, "date_order": str}
_RATINGS = {"scale": str, "unit_type_column": str}
_CHOICES = {"tie_rule": ("reported", "reciprocated", "union"), "combine": ("sum", "max", "any"),
            "repeats": ("max", "sum"),
            "ties_format": ("edges", "matrix", "wide"),
            "size_by": ("degree", "betweenness", "brokerage", "effective-size", "participation", "external-ties"),
            "external": ("drop", "domain", "keep"), "weight": ("per-message", "split"),
            "engine": ("duckdb", "spark"), "date_order": ("day-first", "month-first")}
# The paths of [measurement] that cannot be blank, and what to write instead: a blank out would write
# each report into the config's own folder, among the analyst's files; a blank history names that folder.
_BLANK_REFUSED = {"out": 'name the report folder, such as out = "report-{wave}" (a blank one would write the '
                         "report among the files of the config's folder)",
                  "history": 'name the history file, such as history = "ona-history.db"'}
_SECTIONS = {"measurement": _MEASUREMENT, "columns": _COLUMNS, "compare": _COMPARE, "privacy": _PRIVACY,
             "email": _EMAIL, "ratings": _RATINGS}


@dataclass
class Config:
    path: Path
    measurement: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    units_where: dict = field(default_factory=dict)  # "ona.toml, line 7" of each [units] key
    compare: dict = field(default_factory=dict)
    privacy: dict = field(default_factory=dict)
    email: dict = field(default_factory=dict)
    ratings: dict = field(default_factory=dict)
    waves: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict, repr=False)  # line of every key (see _key_lines)

    def where(self, *keys) -> str:
        """Where a key is set: "ona.toml, line 7" (the line of its table when the key is not written)."""
        line = self.lines.get(tuple(keys)) or self.lines.get(tuple(keys[:-1]))
        return f"{self.path.name}, line {line}" if line else self.path.name

    @property
    def folder(self) -> Path:
        return self.path.parent

    def resolve(self, relative: str) -> Path:
        p = Path(relative)
        return p if p.is_absolute() else self.folder / p

    def email_paths(self, label: str) -> list:
        """The email exports of wave ``label`` as ona.toml names them, relative to its folder: a
        quoted pattern (``mail/2025-*.csv``) is the files it matches, in name order, and one that
        matches none is an error naming the line; a path on a cluster (``abfss://...``) is kept as
        written, for the engine (as ``ona analyze --email`` takes them)."""
        from ._files import is_remote, matching_files

        out: list = []
        for given in self.wave(label).get("email", []):
            if is_remote(given):
                out.append(given)
                continue
            found = matching_files(str(self.resolve(given)))
            if found == []:
                raise OnaError(f"{self.where('waves', str(label), 'email')}: no file matches {given!r}")
            out.extend([self.resolve(given)] if found is None else map(Path, found))
        return out

    @property
    def history_path(self) -> Path:
        return self.resolve(self.measurement.get("history", "ona-history.db"))

    def out_dir(self, wave: str) -> Path:
        return self.resolve(self.measurement.get("out", "report-{wave}").replace("{wave}", str(wave)))

    def setting(self, *keys):
        """The value set at ``keys`` (("waves", "2025", "columns", "unit")), None when it is not set."""
        tables = {"measurement": self.measurement, "columns": self.columns, "waves": self.waves}
        value = tables.get(keys[0], {})
        for key in keys[1:]:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    def wave(self, label: str) -> dict:
        if str(label) not in self.waves:
            known = ", ".join(repr(w) for w in self.waves) or "none"
            raise OnaError(f"{self.path.name}: has no wave {label!r}; its waves are: {known}")
        return self.waves[str(label)]


# A TOML key: a basic string (with escapes), a literal string, or a bare key.
_KEY = r""""(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[A-Za-z0-9_\-]+"""
_DOTTED = rf"(?:{_KEY})(?:\s*\.\s*(?:{_KEY}))*"


def _unquote(key: str) -> str:
    """The name a TOML key stands for: a quoted key without its quotes and escapes."""
    if key.startswith('"'):
        return tomllib.loads(f"k = {key}")["k"]
    return key[1:-1] if key.startswith("'") else key


def _key_lines(text: str) -> dict[tuple, int]:
    """Line number of every key and table header, keyed by (table path..., key)."""
    lines: dict[tuple, int] = {}
    table: tuple = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(rf"^\s*\[\s*({_DOTTED})\s*\]\s*(?:#.*)?$", line)
        if header:
            table = tuple(_unquote(part) for part in re.findall(_KEY, header.group(1)))
            lines.setdefault(table, number)
            continue
        key = re.match(rf"^\s*({_DOTTED})\s*=", line)
        if key:
            lines.setdefault((*table, *(_unquote(part) for part in re.findall(_KEY, key.group(1)))), number)
    return lines


def _toml_key(name: str) -> str:
    """``name`` as a TOML key: bare when it may be, else a quoted string (so 2025.1 is one key, not two)."""
    return name if re.fullmatch(r"[A-Za-z0-9_\-]+", name) else _toml_string(name)


def _toml_string(value: str) -> str:
    """``value`` as a TOML basic string: quotes, backslashes and control characters escaped."""
    named = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
    return '"' + "".join(named.get(c, f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c)
                         for c in value) + '"'


def _toml_value(value) -> str:
    """A string, whole number or true/false as TOML writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _toml_string(str(value))


def read_config(path: str | Path) -> Config:
    """Read and check ona.toml; every problem is an OnaError naming the file and line.

    The file is UTF-8, as TOML is, with or without a byte order mark (Notepad's "UTF-8 with BOM");
    a file in another encoding is an error naming the first line that is not UTF-8.

    Each section is a table of known keys; each key has one type (a number is never true/false)
    and numbers are 0 or more (more for the keys of :data:`ona._arguments.MINIMUM`). A wave names its roster and
    at least one tie file, email export or ratings file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise OnaError(f"{path.name}: cannot be read ({exc.strerror})") from None
    try:  # (TOML is UTF-8; Notepad's "UTF-8 with BOM" starts with the BOM, which is no statement)
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise OnaError(f"{path.name}, line {line}: is not UTF-8 text (an older Windows encoding such as "
                       "Windows-1252?); save the file as UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OnaError(f"{path.name}: is not valid TOML: {exc}") from None
    lines = _key_lines(text)

    def where(*keys) -> str:
        return config.where(*keys)

    def check(section: str, values: dict, schema: dict, prefix: tuple) -> dict:
        out = {}
        for key, value in values.items():
            if key not in schema:
                raise OnaError(f"{where(*prefix, key)}: unknown key {key!r} in [{section}]; known keys: "
                               + ", ".join(sorted(schema)))
            kind = schema[key]
            kinds = kind if isinstance(kind, tuple) else (kind,)
            ok = isinstance(value, kind) and not (isinstance(value, bool) and bool not in kinds)
            if isinstance(value, list):
                ok = ok and all(isinstance(v, str) for v in value)
            if not ok:
                names = [k.__name__ for k in kinds if not (k is int and float in kinds)]  # int or float: a number
                expected = " or ".join(_KIND_WORDS.get(name, name) for name in names)
                raise OnaError(f"{where(*prefix, key)}: {key} must be {expected}, not {value!r}")
            if key in _CHOICES and schema is not _COLUMNS and value not in _CHOICES[key]:
                # (a column name in [columns] or a wave's columns, such as weight = "Frequency", is no choice)
                raise OnaError(f"{where(*prefix, key)}: {key} must be one of {', '.join(_CHOICES[key])}, not {value!r}")
            if section == "measurement" and key in _BLANK_REFUSED and not value.strip():
                raise OnaError(f"{where(*prefix, key)}: {key} is blank; {_BLANK_REFUSED[key]}")
            minimum = MINIMUM.get(key, 0)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < minimum:
                raise OnaError(f"{where(*prefix, key)}: {key} must be {minimum} or more, not {value!r}")
            if key == "bootstraps" and 0 < value < MIN_BOOTSTRAPS:
                raise OnaError(f"{where(*prefix, key)}: bootstraps = {value}: {BOOTSTRAPS_RULE}")
            out[key] = value
        return out

    def table(value, keys: tuple, example: str) -> dict:
        if not isinstance(value, dict):
            raise OnaError(f"{where(*keys)}: {'.'.join(map(_toml_key, keys))} must be a table such as {example}, "
                           f"not {value!r}")
        return value

    config = Config(path=path, lines=lines)
    for section, value in data.items():
        if section in _SECTIONS:  # a flat table of checked keys, stored as the Config field of its name
            setattr(config, section, check(section, table(value, (section,), f"[{section}]"), _SECTIONS[section],
                                           (section,)))
        elif section == "units":
            for old, new in table(value, ("units",), '[units] with "old name" = "new name"').items():
                split = isinstance(new, list) and new and all(isinstance(x, str) for x in new)
                if not (isinstance(new, str) or split):
                    raise OnaError(f"{where('units', old)}: the new name of unit {old!r} must be a string, or a "
                                   "list of strings for a unit that was split")
                config.units_where[old] = where("units", old)
            config.units = dict(value)
        elif section == "waves":
            if not table(value, ("waves",), "[waves.2025]"):
                raise OnaError(f"{where('waves')}: [waves] needs at least one wave, e.g. [waves.2025]")
            for label, wave in value.items():
                key = f"waves.{_toml_key(label)}"
                if wrong := label_problem(label):
                    raise OnaError(f"{where('waves', label)}: [{key}]: {wrong}")
                checked = check(key, table(wave, ("waves", label), f"[{key}]"), _WAVE, ("waves", label))
                if "columns" in checked:  # (the wave's headers, checked as [columns] is)
                    checked["columns"] = check(f"{key}.columns", checked["columns"], _COLUMNS,
                                               ("waves", label, "columns"))
                if "roster" not in checked:
                    raise OnaError(f"{where('waves', label)}: wave {label!r} has no roster")
                empty = [k for k in ("ties", "email") if checked.get(k) == []]
                for k in empty:  # an empty list names no input: the same as no key
                    del checked[k]
                if not any(k in checked for k in ("ties", "email", "ratings")):
                    if empty:
                        files = {"ties": "tie files", "email": "email exports"}[empty[0]]
                        raise OnaError(f"{where('waves', label, empty[0])}: wave {label!r} lists no {files} "
                                       f"({empty[0]} = []); name at least one")
                    raise OnaError(f"{where('waves', label)}: wave {label!r} has no ties, email or ratings")
                if "ties" in checked and "email" in checked:
                    raise OnaError(f"{where('waves', label)}: wave {label!r} has both ties and email; choose one")
                for k in ("ties", "email"):
                    if isinstance(checked.get(k), str):
                        checked[k] = [checked[k]]
                _check_window(checked, label, where)
                config.waves[str(label)] = checked
        else:
            raise OnaError(f"{where(section)}: unknown section [{section}]; known sections: "
                           "measurement, columns, units, compare, privacy, email, ratings, waves")
    if not config.waves:
        raise OnaError(f"{path.name}: has no [waves.LABEL] section with a roster and ties")
    return config


@contextmanager
def _naming_keys(config: Config, keys: list[tuple], *, every: bool = False):
    """Add to each problem of an InputError raised in the block that names a column set at one of
    ``keys`` of ona.toml (``has no column 'Afdelingen'``; ``every``: each problem, with the first
    key) where that is: "(it is unit in [waves.2025.columns] of ona.toml, line 9)"."""
    try:
        yield
    except InputError as exc:
        def named(problem):
            for key in keys:
                if every or f"no column {config.setting(*key)!r}" in problem.message:
                    table = ".".join(_toml_key(k) for k in key[:-1])
                    return dc_replace(problem, message=f"{problem.message} (it is {key[-1]} in [{table}] of "
                                                       f"{config.where(*key)})")
            return problem
        raise InputError([named(problem) for problem in exc.problems]) from None


def _unit_column_key(config: Config, label: str | None) -> tuple | None:
    """The key of ona.toml that names the column wave ``label`` is measured by (its units): the
    wave's own ``by``, else the unit column of its ``columns`` (that column under the header it has
    in the wave), else ``[measurement]``'s ``by``, else ``[columns]``'s ``unit``; None when none does
    (the roster's own unit column). With ``label`` None, the key that names it for every wave."""
    own = (("waves", str(label), "by"), ("waves", str(label), "columns", "unit")) if label is not None else ()
    for key in (*own, ("measurement", "by"), ("columns", "unit")):
        if config.setting(*key):
            return key
    return None


def _check_window(wave: dict, label: str, where) -> None:
    """Refuse a wave's ``ties_since``/``ties_until`` that is no date, or an empty window, naming the line."""
    from .ingest._dates import window_bound

    bounds = {}
    for key in ("ties_since", "ties_until"):
        try:
            bounds[key] = window_bound(wave.get(key), key, key)
        except ValueError:
            raise OnaError(f"{where('waves', label, key)}: {key} must be a date such as \"2025-01-01\" "
                           f"(YYYY-MM-DD), not {wave[key]!r}") from None
    if None not in bounds.values() and bounds["ties_since"] >= bounds["ties_until"]:
        raise OnaError(f"{where('waves', label, 'ties_until')}: wave {label!r} chooses no ties: ties_since "
                       f"{wave['ties_since']!r} is not before ties_until {wave['ties_until']!r} (the first day left out)")
    if any(v is not None for v in bounds.values()) and "ties" not in wave:
        key = next(k for k in bounds if bounds[k] is not None)
        raise OnaError(f"{where('waves', label, key)}: {key} chooses the ties of a tie list by their date; wave "
                       f"{label!r} has no ties (the email rules' since and until are in [email])")


def starter_config(roster: str, ties: list[str], *, by: str | None, wave: str, columns: dict | None = None,
                   measurement: dict | None = None, wave_options: dict | None = None) -> str:
    """The text of a commented starter ona.toml for one wave's inputs. Every value is written as a
    TOML string (escaped) and the wave label as one key, so that any path, column or label reads
    back as given; the label must not hold control characters other than tab (comments cannot).

    The reading options given to ``ona init`` are written where ``ona run`` reads them, so that the
    run reads the files as init was told to: ``columns`` (keys of ``[columns]``: id, name, email,
    unit, source, target, weight, date), ``measurement`` (``[measurement]`` keys such as delimiter,
    encoding, tie_rule, layer, combine, ties_format, drop_unknown, repeats, date_order) and
    ``wave_options`` (keys of the wave: roster_sheet, ties_sheet, roster_header_row,
    ties_header_row, roster_encoding, roster_delimiter, ties_encoding, ties_delimiter, ties_since,
    ties_until). None or empty values are left out."""
    ties_list = ", ".join(map(_toml_string, ties)) or '"ties.xlsx"'
    by_line = f"by = {_toml_string(by)}" if by else '# by = "Department"'
    given = {key: value for key, value in (columns or {}).items() if value}
    columns_block = ("[columns]                    # the headers ona was told\n"
                     + "".join(f"{key} = {_toml_string(value)}\n" for key, value in given.items())) if given else \
        '# [columns]                  # only when ona does not recognise your headers\n# id = "Employee ID"\n' \
        '# source = "Respondent"\n# target = "Colleague"\n# weight = "Frequency"\n'
    options = {key: value for key, value in (measurement or {}).items() if value not in (None, "", False)}
    tie_rule = options.pop("tie_rule", "reported")
    reading = "".join(f"{key} = {_toml_value(value)}\n" for key, value in options.items())
    sheet_line = "".join(f"{key} = {_toml_value(value)}\n" for key, value in (wave_options or {}).items()
                         if value not in (None, ""))
    shell_wave = shlex.quote(wave)
    return f'''# ona.toml: the yearly measurement. Re-run a wave with:  ona run ona.toml --wave {shell_wave}
# Compare two stored waves with:  ona compare 2024 {shell_wave} --history ona-history.db --out compare/

[measurement]
{by_line}              # the roster column whose units are measured (any column works)
tie_rule = {_toml_string(tie_rule)}        # reported | reciprocated | union
seed = 1                     # seeds the layout, permutations, communities and sampling
permutations = 1000          # permutations in the E-I test
size_by = "degree"           # person map: degree | betweenness | brokerage | effective-size | ...
history = "ona-history.db"   # every run is stored here as a wave
out = "report-{{wave}}"        # the report folder of each wave
{reading}
{columns_block}
# [units]                    # for comparisons: units renamed or merged since an earlier wave
# "Old name" = "New name"

[compare]
bootstraps = 500             # resamples of respondents behind "meaningful change"

[waves.{_toml_key(wave)}]
roster = {_toml_string(roster)}
{sheet_line}ties = [{ties_list}]
'''


def run_wave(config: Config, label: str, *, replace: bool = False, store: bool = True) -> dict:
    """Run the measurement of wave ``label`` as the config describes: read, build, measure, write
    the report into the wave's folder and store the wave in the history (unless ``store`` is
    False): once the report is written and before it replaces the folder's earlier report, so that
    a wave the history refuses (another program is writing it) leaves no new report beside the
    earlier wave. The roster's delimiter and encoding are the wave's ``roster_delimiter`` and
    ``roster_encoding``, else ``[measurement]``'s ``delimiter`` and ``encoding``; so are the tie
    files' (``ties_delimiter``, ``ties_encoding``). Returns a dict with roster, ties, graph,
    measurement, paths, the history path and the notes of writing the report."""
    from .history import check_storable, open_history
    from .ingest import read_roster, read_ties
    from .ingest.email import EmailOptions, read_key_file
    from .pipeline import analyze
    from .report import write_report

    from .report import check_report_keeps_inputs

    wave = config.wave(label)
    m, cols = config.measurement, {**config.columns, **wave.get("columns", {})}
    column_keys = [("waves", str(label), "columns", role) if role in wave.get("columns", {}) else ("columns", role)
                   for role in cols]
    roster_path = config.resolve(wave["roster"])
    tie_paths = [config.resolve(t) for t in wave.get("ties", [])]
    email_paths = config.email_paths(label)
    ratings_paths = [config.resolve(wave["ratings"])] if wave.get("ratings") else []
    read = {"roster": roster_path, "tie file": tie_paths, "email export": email_paths, "ratings file": ratings_paths,
            "scale file": config.resolve(config.ratings["scale"]) if config.ratings.get("scale") else None,
            "weight labels file": config.resolve(m["weight_labels"]) if m.get("weight_labels") else None,
            "aliases file": config.resolve(config.email["aliases"]) if config.email.get("aliases") else None,
            "key file": config.resolve(config.privacy["pseudonymize"]) if config.privacy.get("pseudonymize") else None,
            "config file": config.path, "history": config.history_path if store else None}
    check_report_keeps_inputs(config.out_dir(label), read,
                              fix=f"choose another report folder with out in [measurement] "
                                  f"({config.where('measurement', 'out')})")
    if store:
        check_storable(config.history_path, label, replace=replace)
    with _naming_keys(config, column_keys):  # (a column given that the file has not: its key of ona.toml)
        roster = read_roster(roster_path, sheet=wave.get("roster_sheet"), id_column=cols.get("id"),
                             name_column=cols.get("name"), email_column=cols.get("email"),
                             unit_column=cols.get("unit"), header_row=wave.get("roster_header_row"),
                             delimiter=wave.get("roster_delimiter") or m.get("delimiter"),
                             encoding=wave.get("roster_encoding") or m.get("encoding"))
        ties = read_ties(tie_paths, roster, sheet=wave.get("ties_sheet"), source_column=cols.get("source"),
                         target_column=cols.get("target"), weight_column=cols.get("weight"),
                         ties_format=m.get("ties_format"), layer=m.get("layer"), combine=m.get("combine", "sum"),
                         header_row=wave.get("ties_header_row"),
                         delimiter=wave.get("ties_delimiter") or m.get("delimiter"),
                         encoding=wave.get("ties_encoding") or m.get("encoding"),
                         drop_unknown=m.get("drop_unknown", False), date_column=cols.get("date"),
                         since=wave.get("ties_since"), until=wave.get("ties_until"), date_order=m.get("date_order"),
                         repeats=m.get("repeats", "max"),
                         weight_labels=config.resolve(m["weight_labels"]) if m.get("weight_labels") else None
                         ) if tie_paths else None
    email_options = None
    if email_paths:
        e = dict(config.email)
        if "aliases" in e:
            e["aliases"] = config.resolve(e["aliases"])
        if "exclude" in e:
            e["exclude"] = tuple(e["exclude"])
        email_options = EmailOptions(**e)
    by_key = _unit_column_key(config, label)
    by = config.setting(*by_key) if by_key else None
    if by:  # a misspelt column: say which key of ona.toml named it
        with _naming_keys(config, [by_key], every=True):
            roster.column(by)
    privacy, scale = config.privacy, config.ratings.get("scale")
    done = analyze(roster, ties, email_paths=email_paths, email_options=email_options,
                   ratings_path=config.resolve(wave["ratings"]) if wave.get("ratings") else None,
                   scale_path=config.resolve(scale) if scale else None, by=by,
                   tie_rule=m.get("tie_rule", "reported"), seed=m.get("seed", 1),
                   **{k: m[k] for k in ("permutations", "exact_betweenness_limit", "betweenness_samples") if k in m},
                   key=read_key_file(config.resolve(privacy["pseudonymize"])) if privacy.get("pseudonymize") else None,
                   min_group_size=privacy.get("min_group_size"),
                   unit_type_column=config.ratings.get("unit_type_column"))
    roster, ties, graph, result = done.roster, done.ties, done.graph, done.measurement
    if by_key == ("waves", str(label), "columns", "unit"):  # the unit column under this wave's header of it
        base = _unit_column_key(config, None)
        # compared as the column ona.toml names for every wave, or as the roster's own unit column
        result.parameters.update({"unit_column_as": config.setting(*base)} if base else
                                 {"unit_column_from": "roster"})
    notes: list[str] = []

    def store_wave() -> None:  # once the report is written, before it replaces the earlier one
        with open_history(config.history_path) as history:
            history.store(label, result, graph, replace=replace,
                          inputs={"roster": roster_path, "ties": tie_paths, "email": email_paths,
                                  "ratings": ratings_paths})

    paths = write_report(result, graph, config.out_dir(label), seed=m.get("seed", 1),
                         size_by=m.get("size_by", "degree"), ratings=done.ratings, notes=notes, inputs=read,
                         _before_swap=store_wave if store else None)
    return {"roster": roster, "ties": ties, "graph": graph, "measurement": result, "paths": paths,
            "history": config.history_path if store else None, "notes": notes}
