"""Where the email aggregation runs: DuckDB on this machine, or Spark (a local session or a cluster).

The rules are written once, as SQL in DuckDB's dialect (:mod:`ona.ingest.email`). The DuckDB engine
runs that SQL as written. The Spark engine translates each statement with sqlglot
(https://sqlglot.com, DuckDB dialect -> Spark SQL) and then makes the few rewrites that a
translator cannot know, each kept here in :func:`spark_sql` with its reason:

- ``row_number() OVER ()`` (file order) needs an ordered window in Spark: ordered by
  ``monotonically_increasing_id()``, which follows the order of a file's rows;
- DuckDB's 64-bit ``hash`` becomes ``xxhash64`` (Spark's own ``hash`` has 32 bits: ten million
  message keys would collide);
- ``TRY_STRPTIME(x, [formats])`` becomes ``try_to_timestamp`` per format (strftime -> Java
  patterns), tried in order.

Only the aggregated table (one row per sender -> recipient pair and one per exclusion reason)
leaves the engine. An engine reads a source file as a *relation*: SQL that can follow ``FROM``.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import shlex
import warnings
from pathlib import Path

import pandas as pd

from .._files import is_remote
from ..errors import InputError, Problem

__all__ = ["ENGINES", "DuckDBEngine", "SparkEngine", "open_engine", "spark_sql", "is_remote", "local_session_conf",
           "spark_error_text", "java_cause"]

ENGINES = ("duckdb", "spark")
_LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")

# The few fields of a Microsoft Graph Data Connect Outlook message that ona reads; subject, body
# and every other field are never parsed (the reader is given this schema, not the file's).
_ADDRESS = "STRUCT(emailAddress STRUCT(address VARCHAR))"
GDC_COLUMNS = {"internetMessageId": "VARCHAR", "sentDateTime": "VARCHAR", "isDraft": "BOOLEAN",
               "from": _ADDRESS, "sender": _ADDRESS, "toRecipients": _ADDRESS + "[]", "ccRecipients": _ADDRESS + "[]"}


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _ident(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


#: The compression suffix looked through: ``log.csv.gz`` is a CSV log (DuckDB and Spark read gzip
#: by this suffix themselves).
GZIP_SUFFIX = ".gz"


def is_gzip(path) -> bool:
    """Whether an export is gzip-compressed, by its name (``log.csv.gz``), as the engines tell it."""
    return str(path).lower().rstrip("/").endswith(GZIP_SUFFIX)


def inner_suffix(path) -> str:
    """An export's suffix in lower case, through a compression suffix: ``.csv`` for ``log.csv.gz``."""
    name = str(path).lower().rstrip("/").rsplit("/", 1)[-1]
    if name.endswith(GZIP_SUFFIX):
        name = name[:-len(GZIP_SUFFIX)]
    return Path(name).suffix


def gzip_problem(path) -> Problem:
    """The error of a gzip file that cannot be decompressed to its end (cut short, damaged, or not
    gzip at all though its name ends in .gz)."""
    return Problem("bad-gzip", "cannot be decompressed: the gzip file is cut short or damaged, or not gzip "
                   "though its name ends in .gz; compress the export again (gzip), or give the uncompressed file",
                   path=str(path))


def read_start(path: Path, size: int = 65536) -> bytes:
    """The first ``size`` bytes of a local export, decompressed when it is gzip (:func:`is_gzip`):
    as much as its start decompresses to, so that a file cut short further on still shows its
    header here (the engine refuses it when it reaches the cut). A start that is not gzip is an
    :class:`~ona.errors.InputError` ``bad-gzip``."""
    import zlib

    with open(path, "rb") as handle:
        if not is_gzip(path):
            return handle.read(size)
        inflate, out = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS), b""  # (16+: the gzip wrapper)
        try:
            while len(out) < size and not inflate.eof:
                block = handle.read(1 << 16)
                if not block:
                    break
                out += inflate.decompress(block, size - len(out))
                while inflate.unconsumed_tail and len(out) < size:
                    out += inflate.decompress(inflate.unconsumed_tail, size - len(out))
        except zlib.error:
            raise InputError([gzip_problem(path)]) from None
    return out


def may_quote_line_breaks(path: Path) -> bool:
    """Whether a local text export holds a double quote anywhere (decompressed, for gzip), and so
    may hold a quoted cell that spans lines (a Subject with a line break). Spark reads such a file
    with ``multiLine`` (one task per file) so that the cell stays one cell; a file without quotes
    cannot have one, and is read in parallel pieces. Read in 4 MB pieces, stopping at the first."""
    with open_export(path) as handle:
        while piece := handle.read(1 << 22):
            if b'"' in piece:
                return True
    return False


def open_export(path: Path, mode: str = "rb", **text):
    """A local export opened for reading, decompressed as it is read when it is gzip."""
    import gzip

    if is_gzip(path):
        return gzip.open(path, mode if "b" in mode else "rt", **text)
    return open(path, mode, **text)


#: The longest header row read (bytes, decompressed): a longer first line is ``header-too-long``;
#: and the longest line of a CSV export DuckDB reads (its default, 2 MB, is a message to 100,000
#: people in one cell): a longer one is ``line-too-long``.
MAX_HEADER_BYTES = 16 * 2**20


def header_line(path: Path) -> tuple[list[str], str, str]:
    """The header row's cells as written, its delimiter and the file's encoding, from the file's
    first line (decompressed, for a gzip file: :func:`read_start`), read whole up to
    :data:`MAX_HEADER_BYTES` (a wider header is an :class:`~ona.errors.InputError` ``header-too-long``).
    The encoding is utf-16 (by its byte-order mark), utf-16-le or utf-16-be (no mark, told by its NUL
    bytes as rosters are: :func:`ona.ingest._tables._utf16_without_mark`), cp1252 (bytes that are not
    UTF-8: Excel's "CSV" in Western Europe, e.g. Danish "CSV (semikolonsepareret)", is Windows-1252)
    or utf-8."""
    from ._tables import _utf16_without_mark

    raw = _first_line_bytes(path)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = raw.decode("utf-16", errors="ignore"), "utf-16"
    elif unmarked := _utf16_without_mark(raw):
        text, encoding = raw.decode(unmarked, errors="ignore"), unmarked
    elif _is_utf8(raw):
        text, encoding = raw.decode("utf-8-sig", errors="replace"), "utf-8"
    else:
        text, encoding = raw.decode("cp1252", errors=_CP1252_GAPS), "cp1252"
    line = text.splitlines()[0] if text.strip() else ""
    return _cells(line) + (encoding,)


def _first_line_bytes(path: Path, size: int = 65536) -> bytes:
    """The start of a local export that holds its whole first line (a line break, or the file's
    end): ``size`` bytes, then twice as many until it does, up to :data:`MAX_HEADER_BYTES`."""
    while True:
        raw = read_start(path, size)
        if b"\n" in raw or b"\r" in raw or len(raw) < size:
            return raw
        if size >= MAX_HEADER_BYTES:
            limit = f"{MAX_HEADER_BYTES / 2**20:g} MB"
            raise InputError([Problem("header-too-long", f"the header row is longer than {limit} (or the file has no "
                                      "line breaks); check that this is a CSV export with one header row",
                                      path=str(path), row=1)])
        size = min(2 * size, MAX_HEADER_BYTES)


def _is_utf8(prefix: bytes) -> bool:
    """Whether the first bytes of a file are UTF-8 (a character cut off at the prefix's end is)."""
    try:
        prefix.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data" and exc.end == len(prefix)
    return True


def _latin1_for_gaps(exc: UnicodeDecodeError) -> tuple[str, int]:
    """The five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) read as Latin-1,
    as Windows itself maps them, instead of stopping the read."""
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


_CP1252_GAPS = "ona-cp1252-gaps"
codecs.register_error(_CP1252_GAPS, _latin1_for_gaps)


def _cells(line: str) -> tuple[list[str], str]:
    import csv
    import io

    delimiter = max(",;\t|", key=line.count)
    names = next(csv.reader(io.StringIO(line), delimiter=delimiter)) if line else []
    return names, delimiter


def _column_names(names: list[str]) -> list[str]:
    return [n.strip() or f"column{i + 1}" for i, n in enumerate(names)]


def _utf8_copy(path: Path, tmp: Path, encoding: str) -> Path:
    """A UTF-16 or Windows-1252 export transcoded to UTF-8 in a stream (never the whole file in
    memory): the engines read UTF-8."""
    target = tmp / (path.stem + ".utf8.csv")
    errors = _CP1252_GAPS if encoding == "cp1252" else "strict"
    import zlib

    try:
        with open_export(path, "r", encoding=encoding, errors=errors, newline="") as src, \
                open(target, "w", encoding="utf-8", newline="") as dst:
            for block in iter(lambda: src.read(1 << 20), ""):
                dst.write(block)
    except (EOFError, zlib.error, OSError):
        if not is_gzip(path):
            raise
        raise InputError([gzip_problem(path)]) from None
    return target


def directory_kind(path: Path) -> str:
    """A directory of exports (e.g. partitioned by date) holds Parquet or JSON-lines files (these
    also gzip-compressed: ``.json.gz``)."""
    for item in path.rglob("*"):
        if item.suffix.lower() == ".parquet":
            return "parquet"
        if inner_suffix(item) in (".json", ".jsonl"):
            return "json"
    return "parquet"


def write_frame(frame: pd.DataFrame, path: Path) -> int:
    """A table written to ``path`` by its suffix (``.csv``, ``.parquet``, ``.xlsx``), atomically;
    returns its rows."""
    if path.suffix.lower() in (".csv", ".parquet"):
        import duckdb  # writes large tables several times faster than pandas

        con = duckdb.connect()
        try:
            con.register("t", frame)
            return copy_to(con, "SELECT * FROM t", path)
        finally:
            con.close()
    from .._files import atomic_path
    from ..report.workbook import write_frames

    with atomic_path(path) as tmp:
        write_frames({"Ties": frame}, tmp)
    return len(frame)


def copy_to(con, sql: str, path: Path) -> int:
    """The result of ``sql`` on DuckDB connection ``con`` written by DuckDB to ``path`` (``.csv`` or
    ``.parquet``), atomically; returns its rows. In a CSV each DOUBLE column is written as text the
    way DuckDB's CSV writer writes it (``7.0``, ``0.5``, ``1e+16``: the same bytes), whole numbers
    below 10**15 through an integer: DuckDB formats a double as slowly whatever its value, an
    integer about three times faster (2.9 million tie weights: 0.25 s -> 0.1 s). A text cell that a
    spreadsheet would take for a formula (:data:`~ona._files.FORMULA_START`: an address
    ``=cmd@...``, a domain node ``@example.com``) gets an apostrophe before it, as nodes.csv's cells
    do; ona reads it back without (:class:`~ona.ingest.ties.PersonMatcher`)."""
    from .._files import FORMULA_START, atomic_path

    kind = "(FORMAT parquet)" if path.suffix.lower() == ".parquet" else "(HEADER, DELIMITER ',')"
    if path.suffix.lower() == ".csv":
        described = con.execute(f"DESCRIBE {sql}").fetchall()
        doubles = [name for name, kind_, *_ in described if kind_ == "DOUBLE"]
        texts = [name for name, kind_, *_ in described if kind_ == "VARCHAR"]
        starts = ", ".join(str(ord(c)) for c in FORMULA_START)  # (ascii() of the first character: the cheapest test)
        parts = [f"""CASE WHEN {_ident(c)} = trunc({_ident(c)}) AND abs({_ident(c)}) < 1e15
                     THEN CAST(CAST({_ident(c)} AS BIGINT) AS VARCHAR) || '.0'
                     ELSE CAST({_ident(c)} AS VARCHAR) END AS {_ident(c)}""" for c in doubles]
        parts += [f"CASE WHEN ascii({_ident(c)}) IN ({starts}) THEN {_q(chr(39))} || {_ident(c)} "
                  f"ELSE {_ident(c)} END AS {_ident(c)}" for c in texts]
        if parts:
            sql = f"SELECT * REPLACE ({', '.join(parts)}) FROM ({sql})"
    with atomic_path(path) as tmp:
        return int(con.execute(f"COPY ({sql}) TO {_q(str(tmp))} {kind}").fetchall()[0][0])


class DuckDBEngine:
    """Embedded DuckDB: no set-up, out of core (spills to ``tmp`` beyond ``memory_limit``)."""

    name = "duckdb"

    def __init__(self, tmp: Path, memory_limit: str = "1GB"):
        import duckdb

        self.tmp = tmp
        self.errors = (duckdb.Error,)
        self.con = duckdb.connect(str(tmp / "work.duckdb"))
        self.con.execute(f"SET memory_limit = {_q(memory_limit)}")
        self.con.execute(f"SET temp_directory = {_q(str(tmp))}")
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET preserve_insertion_order = false")
        threads = self.con.execute("SELECT current_setting('threads')").fetchall()[0][0]
        self.where = f"DuckDB on this machine ({threads} threads)"

    def source(self, path, kind: str) -> str:
        """``kind``: csv, parquet or json (Graph Data Connect messages)."""
        path = Path(path)
        if kind == "json":
            glob = str(path / "**" / "*.json*") if path.is_dir() else str(path)
            columns = "{" + ", ".join(f"{_q(k)}: {_q(v)}" for k, v in GDC_COLUMNS.items()) + "}"
            return f"read_json({_q(glob)}, format = 'newline_delimited', columns = {columns})"
        if kind == "parquet":
            if path.is_dir():
                return f"read_parquet({_q(str(path / '**' / '*.parquet'))}, hive_partitioning = true)"
            return f"read_parquet({_q(str(path))})"
        names, delimiter, encoding = header_line(path)
        if encoding != "utf-8":  # DuckDB reads UTF-8
            path = _utf8_copy(path, self.tmp, encoding)
        # The header's own columns, read strictly: DuckDB's sniffer would pad a short row with NULLs
        # or take a long one silently; here either is an error that names its line.
        columns = "{" + ", ".join(f"{_q(n)}: 'VARCHAR'" for n in _column_names(names)) + "}"
        return (f"read_csv({_q(str(path))}, columns = {columns}, header = true, auto_detect = false, "
                f"delim = {_q(delimiter)}, quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
                f"ignore_errors = false, max_line_size = {MAX_HEADER_BYTES})")

    def columns(self, relation: str) -> list[str]:
        return [row[0] for row in self.con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def frame(self, sql: str) -> pd.DataFrame:
        """The result as a DataFrame, through Arrow (2.9 million pairs: 0.7 s instead of 1.5 s)."""
        relation = self.con.sql(sql)
        if relation is None:  # not a query
            return pd.DataFrame()
        to_arrow = getattr(relation, "to_arrow_table", None)
        return to_arrow().to_pandas() if to_arrow is not None else relation.df()

    def table(self, name: str, frame: pd.DataFrame) -> None:
        self.con.register(f"{name}_frame", frame)
        self.con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")

    def texts(self, name: str, table) -> None:
        """An Arrow table (an Excel export's cells as text columns) readable as relation ``name``,
        as DuckDB reads Arrow: in place, without a copy."""
        self.con.register(name, table)

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")

    def store(self, name: str, sql: str, *, cache: bool = True) -> None:
        """The result of ``sql`` kept as table ``name`` (on disk beyond the memory limit): a stage
        that DuckDB runs on its own fits its limit where one long pipeline ran out of memory.
        (``cache`` is for Spark; here every stage is a table.)

        Its joins run as written, the small table on the right: DuckDB's estimate of how many rows
        a CSV view yields can be so far off that it built its hash table on the ten million
        recipient rows instead of the few thousand addresses (14 s instead of 6 s on the benchmark)."""
        import duckdb

        try:
            self.con.execute("SET disabled_optimizers = 'build_side_probe_side'")
            as_written = True
        except duckdb.Error:  # a DuckDB without that optimiser (older, or renamed): as it plans
            as_written = False
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
        finally:
            if as_written:
                self.con.execute("RESET disabled_optimizers")

    def release(self, name: str) -> None:
        """Frees a stored stage no later statement reads (its memory goes to the next one)."""
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    @contextlib.contextmanager
    def in_file_order(self):
        """A context in which ``row_number() OVER ()`` follows the file (one thread, ordered)."""
        self.con.execute("SET preserve_insertion_order = true")
        self.con.execute("SET threads = 1")
        try:
            yield
        finally:
            self.con.execute("RESET threads")
            self.con.execute("SET preserve_insertion_order = false")

    def write(self, sql: str, path: Path) -> int:
        """The result of ``sql`` written to ``path`` (``.csv`` or ``.parquet`` by DuckDB itself, the
        rows never coming into Python; ``.xlsx`` through a frame), atomically; returns its rows."""
        if path.suffix.lower() in (".csv", ".parquet"):
            return copy_to(self.con, sql, path)
        return write_frame(self.frame(sql), path)

    def close(self) -> None:
        self.con.close()


# --- Spark ----------------------------------------------------------------------------------------

_STRFTIME_TO_JAVA = {"%Y": "yyyy", "%m": "M", "%d": "d", "%H": "H", "%I": "h", "%M": "mm", "%S": "ss", "%p": "a"}


def _java_pattern(strftime: str) -> str:
    return re.sub(r"%[A-Za-z]", lambda m: _STRFTIME_TO_JAVA[m.group(0)], strftime)


def spark_sql(sql: str) -> str:
    """A statement of DuckDB SQL as Spark SQL: sqlglot's translation plus the rewrites listed in the
    module docstring."""
    import sqlglot
    from sqlglot import exp

    def try_to_timestamp(value, pattern: str):
        call = exp.Anonymous(this="TRY_TO_TIMESTAMP",
                             expressions=[value.copy(), exp.Literal.string(_java_pattern(pattern))])
        return exp.Cast(this=call, to=exp.DataType.build("TIMESTAMP_NTZ", dialect="spark"))

    def rewrite(node):
        if isinstance(node, exp.Window) and isinstance(node.this, exp.RowNumber) and not node.args.get("order"):
            node = node.copy()
            node.set("order", exp.Order(expressions=[exp.Ordered(
                this=exp.Anonymous(this="MONOTONICALLY_INCREASING_ID", expressions=[]))]))
            return node
        if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
            node.set("materialized", None)  # DuckDB's [NOT] MATERIALIZED hint: Spark plans its own
            # (changed in place, so that the transform still visits what the CTE holds)
        name = node.name.upper() if isinstance(node, exp.Anonymous) else None
        if name == "HASH":
            return exp.Anonymous(this="XXHASH64", expressions=[e.copy() for e in node.expressions])
        if name == "TRY_STRPTIME" or (isinstance(node, exp.StrToTime) and node.args.get("safe")):
            value, pattern = (node.expressions if name else (node.this, node.args["format"]))
            patterns = pattern.expressions if isinstance(pattern, exp.Array) else [pattern]
            calls = [try_to_timestamp(value, p.this) for p in patterns]
            return calls[0] if len(calls) == 1 else exp.Coalesce(this=calls[0], expressions=calls[1:])
        return node

    tree = sqlglot.parse_one(sql, read="duckdb")
    return tree.transform(rewrite).sql(dialect="spark")


def _spark_type(duck: str):
    from pyspark.sql import types as T

    duck = duck.strip()
    if duck.endswith("[]"):
        return T.ArrayType(_spark_type(duck[:-2]))
    if duck.startswith("STRUCT("):
        inner, fields, depth, start = duck[7:-1], [], 0, 0
        for i, ch in enumerate(inner + ","):
            depth += ch == "("
            depth -= ch == ")"
            if ch == "," and depth == 0:
                name, kind = inner[start:i].strip().split(" ", 1)
                fields.append(T.StructField(name, _spark_type(kind)))
                start = i + 1
        return T.StructType(fields)
    return {"VARCHAR": T.StringType(), "BOOLEAN": T.BooleanType(), "DOUBLE": T.DoubleType(),
            "BIGINT": T.LongType(), "TIMESTAMP": T.TimestampNTZType()}[duck]


def _submit_conf(args: str) -> tuple[dict[str, str], list[str]]:
    """The settings ``PYSPARK_SUBMIT_ARGS`` gives spark-submit, and the properties files it names."""
    conf, files, words = {}, [], shlex.split(args)
    flags = {"--driver-memory": "spark.driver.memory", "--master": "spark.master"}
    for i, word in enumerate(words):
        value = words[i + 1] if i + 1 < len(words) else ""
        if "=" in word and word.split("=", 1)[0] in ("--conf", *flags, "--properties-file"):
            word, value = word.split("=", 1)
        if word in ("--conf", "-c") and "=" in value:
            key, val = value.split("=", 1)
            conf[key.strip()] = val.strip()
        elif word in flags:
            conf[flags[word]] = value
        elif word == "--properties-file":
            files.append(value)
    return conf, files


def _properties(path: Path) -> dict[str, str]:
    """A spark-defaults.conf (Java properties): ``key value``, ``key=value`` or ``key: value`` per
    line, ``#`` and ``!`` comments."""
    conf = {}
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return conf
    for line in lines:
        found = re.match(r"\s*([^\s=:#!][^\s=:]*)\s*[=:\s]?\s*(.*)", line)
        if found:
            conf[found.group(1)] = found.group(2).strip()
    return conf


def _conf_dir(environ) -> Path | None:
    if environ.get("SPARK_CONF_DIR"):
        return Path(environ["SPARK_CONF_DIR"])
    home = environ.get("SPARK_HOME")
    if not home:
        try:
            from pyspark.find_spark_home import _find_spark_home

            home = _find_spark_home()
        except Exception:  # no pyspark or no Spark home: no defaults file either
            return None
    return Path(home) / "conf"


def user_spark_conf(environ=None) -> dict[str, str]:
    """What the user's standard Spark configuration sets before a session starts: ``PYSPARK_SUBMIT_ARGS``
    (``--conf``, ``--driver-memory``, ``--master``, ``--properties-file``), ``spark-defaults.conf`` in
    ``SPARK_CONF_DIR`` (or ``$SPARK_HOME/conf``) and ``SPARK_DRIVER_MEMORY``/``SPARK_MEM`` (also from
    ``spark-env.sh``)."""
    environ = os.environ if environ is None else environ
    submitted, files = _submit_conf(environ.get("PYSPARK_SUBMIT_ARGS", ""))
    conf_dir = _conf_dir(environ)
    conf: dict[str, str] = {}
    for path in ([conf_dir / "spark-defaults.conf"] if conf_dir else []) + [Path(f) for f in files]:
        conf.update(_properties(path))
    conf.update(submitted)
    env_script = (conf_dir / "spark-env.sh") if conf_dir else None
    script = env_script.read_text(errors="replace") if env_script and env_script.is_file() else ""
    if "spark.driver.memory" not in conf:
        for name in ("SPARK_DRIVER_MEMORY", "SPARK_MEM"):
            if environ.get(name) or re.search(rf"^\s*(export\s+)?{name}=", script, re.M):
                conf["spark.driver.memory"] = environ.get(name) or f"(set in {env_script})"
                break
    return conf


def driver_java_options(environ=None) -> str:
    """``spark.driver.extraJavaOptions`` for a session ona starts: the user's own (from
    :func:`user_spark_conf`; a setting ona passed alone would replace them) followed by ona's log
    configuration (Spark's errors only), unless the user names a log4j2 configuration file
    themselves."""
    own = user_spark_conf(environ).get("spark.driver.extraJavaOptions", "")
    if "-Dlog4j2.configurationFile=" in own:
        return own.strip()
    return f"{own.strip()} -Dlog4j2.configurationFile={_LOG_CONFIG}".strip()


def _physical_memory_mb() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1 << 20)
    except (ValueError, OSError, AttributeError):  # not on this platform
        return None


def local_session_conf(environ=None, memory_mb: int | None = None) -> dict[str, str]:
    """The memory settings ona gives a local session it starts itself, leaving out every one the
    user's Spark configuration (:func:`user_spark_conf`) sets; none for Spark Connect or a cluster
    master.

    Why: in local mode the driver's heap (Spark's default 1 GB) also holds the executor: the
    shuffles' buffers, each task's serialised result and the copy the driver fetches back, at once.
    On the 10M-row benchmark log that heap was full (over 1,000 of 1,024 MB, with full collections)
    in every run while the pairs came back; with 896 MB the run failed (``TaskResultLost``: an
    ``OutOfMemoryError`` fetching a task's result), with 512 MB every run died with
    ``java.lang.OutOfMemoryError: Java heap space`` (bench/RESULTS.md). So: a quarter of the
    machine's memory, at least Spark's 1 GB and at most 4 GB, and half of that (at least Spark's
    1 GB) as ``spark.driver.maxResultSize``."""
    environ = os.environ if environ is None else environ
    if environ.get("SPARK_REMOTE") or environ.get("SPARK_CONNECT_MODE_ENABLED"):
        return {}
    user = user_spark_conf(environ)
    if not user.get("spark.master", "local").strip().startswith("local"):
        return {}
    memory_mb = _physical_memory_mb() if memory_mb is None else memory_mb
    if not memory_mb:
        return {}
    heap = min(4096, max(1024, memory_mb // 4))
    ona = {"spark.driver.memory": f"{heap}m", "spark.driver.maxResultSize": f"{max(1024, heap // 2)}m"}
    return {k: v for k, v in ona.items() if k not in user}


def spark_error_text(exc: BaseException) -> str:
    """The text of a Spark error. A py4j error's text is fetched from the JVM: when the JVM has
    already exited (Spark ends it on an OutOfMemoryError in a task), only the Python side's part."""
    try:
        return str(exc)
    except Exception:  # the JVM is gone
        part = " ".join(str(getattr(exc, "errmsg", "") or "").split())
        return (f"{type(exc).__name__}: {part + ' ' if part else ''}(the Spark JVM had exited, so its exception "
                "could not be read; Spark exits it after an OutOfMemoryError in a task)")


_JAVA_LINE = re.compile(r"((?:java|javax|scala|org\.apache|py4j)\.[\w.$]+(?:Exception|Error)):?[ \t]*([^\r\n]*)")


def java_cause(text: str) -> tuple[str, str] | None:
    """The innermost Java exception in a Spark error's text (the last ``Caused by:``, else the first
    exception named) as (class, first line of its message). A failed stage's message is shortened
    to the reason its task was lost (``Job aborted due to stage failure: TaskResultLost ...``)."""
    causes = re.findall(r"^Caused by: " + _JAVA_LINE.pattern, text, re.M)
    found = _JAVA_LINE.search(text)
    if not causes and not found:
        return None
    name, message = causes[-1] if causes else found.groups()
    lost = re.search(r"Job aborted due to stage failure: .*?most recent failure: Lost task .*?\): (.*)", message)
    if lost:
        message = f"Job aborted due to stage failure: {lost.group(1)}"
    return name, message.strip()


class SparkEngine:
    """PySpark: the user's session (``spark``), or the one the standard Spark configuration gives
    (``spark-defaults.conf``, ``PYSPARK_SUBMIT_ARGS``, ``SPARK_REMOTE``; a local session when
    nothing is configured, with the memory settings of :func:`local_session_conf`). The session's
    time zone is UTC while ona works, then restored."""

    name = "spark"

    def __init__(self, tmp: Path, spark=None):
        from pyspark.errors import PySparkException
        from pyspark.sql import SparkSession

        self.tmp = tmp
        self.owned = spark is None and SparkSession.getActiveSession() is None
        self.memory: dict[str, str] = {}  # what ona set on a session it started (local_session_conf)
        if spark is None:
            from pyspark import SparkContext

            builder = (SparkSession.builder.appName("ona").config("spark.ui.enabled", "false")
                       .config("spark.ui.showConsoleProgress", "false")
                       .config("spark.driver.extraJavaOptions", driver_java_options())
                       .config("spark.sql.session.timeZone", "UTC"))
            if self.owned and SparkContext._active_spark_context is None:  # no JVM yet: its heap can be chosen
                self.memory = local_session_conf()
                for key, value in self.memory.items():
                    builder = builder.config(key, value)
            with warnings.catch_warnings():  # pyspark is not yet tested with pandas 3; ona passes it no pandas
                warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
                spark = builder.getOrCreate()
            if self.owned:
                spark.sparkContext.setLogLevel("OFF")  # ona reports errors itself
        self.spark = spark
        self.errors = (PySparkException,) + _py4j_errors()
        self._zone = spark.conf.get("spark.sql.session.timeZone")
        spark.conf.set("spark.sql.session.timeZone", "UTC")
        self._views: list[str] = []
        self._kept: dict[str, set] = {}  # stage name -> the ids of its checkpoint's RDDs
        try:
            master = spark.sparkContext.master
        except Exception:  # Spark Connect has no SparkContext on the client
            master = "Spark Connect"
        self.where = f"Spark ({master})"

    def _name(self) -> str:
        name = f"ona_source_{len(self._views)}"
        self._views.append(name)
        return name

    def source(self, path, kind: str) -> str:
        from pyspark.sql import types as T

        reader, text = self.spark.read, str(path)
        if kind == "json":
            schema = T.StructType([T.StructField(k, _spark_type(v)) for k, v in GDC_COLUMNS.items()])
            # Every JSON file below a folder, however the export nests them (by date, by mailbox).
            frame = reader.schema(schema).option("recursiveFileLookup", True).json(text)
        elif kind == "parquet":
            frame = reader.parquet(text)
        else:
            # A quoted cell with a line break (a Subject) is one cell only when Spark reads the file
            # whole (multiLine). A local file is looked at for quotes first; a cluster's is read in
            # parallel pieces, as its size needs (docs/email.md says so).
            if is_remote(text):
                names, delimiter = _cells(reader.text(text).first()[0].lstrip("\ufeff"))
                whole = False
            else:
                names, delimiter, encoding = header_line(Path(text))
                if encoding != "utf-8":
                    text = str(_utf8_copy(Path(text), self.tmp, encoding))
                whole = may_quote_line_breaks(Path(text))
            schema = T.StructType([T.StructField(n, T.StringType()) for n in _column_names(names)])
            frame = (reader.schema(schema).option("header", True).option("sep", delimiter).option("quote", '"')
                     .option("escape", '"').option("mode", "FAILFAST").option("multiLine", whole)
                     .option("encoding", "UTF-8").csv(text))
        name = self._name()
        frame.createOrReplaceTempView(name)
        return name

    def columns(self, relation: str) -> list[str]:
        return self.spark.sql(spark_sql(f"SELECT * FROM {relation} LIMIT 0")).columns

    def rows(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(spark_sql(sql)).collect()]

    def frame(self, sql: str) -> pd.DataFrame:
        """The result through Arrow when pyarrow is installed (a million pairs as Python row
        objects would take gigabytes), else as rows."""
        result = self.spark.sql(spark_sql(sql))
        if hasattr(result, "toArrow"):
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                pass
            else:
                return result.toArrow().to_pandas()
        return pd.DataFrame([tuple(r) for r in result.collect()], columns=result.columns)

    def table(self, name: str, frame: pd.DataFrame) -> None:
        from pyspark.sql import types as T

        fields, columns = [], []
        for col in frame.columns:
            values = frame[col]
            if pd.api.types.is_datetime64_any_dtype(values):
                kind = T.TimestampNTZType()
                values = pd.Series([None if pd.isna(v) else v.to_pydatetime() for v in values], dtype=object)
            elif pd.api.types.is_float_dtype(values):
                kind, values = T.DoubleType(), values.astype(object).where(values.notna(), None)
            elif pd.api.types.is_integer_dtype(values):
                kind, values = T.LongType(), values.astype(object)
            else:
                kind, values = T.StringType(), values.astype(object).where(values.notna(), None)
            fields.append(T.StructField(str(col), kind))
            columns.append(values.tolist())
        rows = list(zip(*columns)) if columns else []
        self.spark.createDataFrame(rows, T.StructType(fields)).createOrReplaceTempView(name)
        self._views.append(name)

    def texts(self, name: str, table) -> None:
        """An Arrow table (an Excel export's cells as text columns) as view ``name``: sent to the
        session as rows, as :meth:`table` sends a frame (a sheet holds at most Excel's million rows)."""
        self.table(name, table.to_pandas())

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(spark_sql(sql)).createOrReplaceTempView(name)
        self._views.append(name)

    def store(self, name: str, sql: str, *, cache: bool = True) -> None:
        """A stage computed once and kept (a local checkpoint: in the executors' memory, spilling
        to disk), for the several statements that read it; with ``cache=False`` a view, recomputed
        by each statement that reads it: for the ten million grouped recipient rows, which two
        statements read, keeping them took longer than scanning the log twice.

        A checkpoint, not ``CACHE TABLE``: Spark finds a cached table by comparing plans, and the
        statements that join the stages did not find them (the reasons of the company log scanned
        its CSV nine times with every stage cached; 190 s instead of 136 s on the benchmark). A
        checkpoint is read as data, whatever the plan."""
        frame = self.spark.sql(spark_sql(sql))
        if cache:
            before = self._persistent_rdds()
            frame = frame.localCheckpoint(eager=True)
            after = self._persistent_rdds()
            if before is not None and after is not None:
                self._kept[name] = set(after) - set(before)
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    def _persistent_rdds(self):
        """The JVM's persisted RDDs by id (a local checkpoint is one), or None where the client
        cannot see them (Spark Connect)."""
        try:
            return self.spark.sparkContext._jsc.getPersistentRDDs()
        except Exception:
            return None

    def release(self, name: str) -> None:
        """Frees the blocks of a kept stage no later statement reads (``DataFrame.unpersist``
        leaves a checkpoint's blocks in place); a view stays (later views may read it)."""
        ids, rdds = self._kept.pop(name, set()), self._persistent_rdds()
        for rdd_id in ids if rdds is not None else ():
            rdd = rdds.get(rdd_id)
            if rdd is not None:
                rdd.unpersist(False)

    def write(self, sql: str, path: Path) -> int:
        """The result of ``sql`` written to the one file ``path`` on this machine (Spark itself
        writes folders of parts), through a frame; returns its rows."""
        return write_frame(self.frame(sql), path)

    def in_file_order(self):
        """Spark's row numbers follow the file already (see :func:`spark_sql`)."""
        return contextlib.nullcontext()

    def close(self) -> None:
        """Drops ona's views and restores the time zone; stops the session ona started. After the
        JVM has died (Spark exits it on an OutOfMemoryError) there is nothing to clean up, and the
        error that ended the work must not be replaced by a refused connection."""
        try:
            for name in self._views:
                self.spark.catalog.dropTempView(name)
            self.spark.conf.set("spark.sql.session.timeZone", self._zone)
        except (OSError,) + _py4j_network_errors():
            if self.owned:  # forget the dead session, so that a next SparkEngine starts a new one
                with contextlib.suppress(Exception):
                    self.spark.stop()
            return
        if self.owned:
            self.spark.stop()


def _py4j_errors() -> tuple:
    try:
        from py4j.protocol import Py4JError
    except ImportError:  # Spark Connect clients have no py4j
        return ()
    return (Py4JError,)


def _py4j_network_errors() -> tuple:
    try:
        from py4j.protocol import Py4JNetworkError
    except ImportError:
        return ()
    return (Py4JNetworkError,)


def open_engine(name: str, tmp: Path, *, memory_limit: str = "1GB", spark=None):
    """The engine ``name`` (duckdb or spark); ``spark``: an existing SparkSession to use."""
    if name == "duckdb" and spark is None:
        return DuckDBEngine(tmp, memory_limit)
    if name == "spark" or spark is not None:
        try:
            import pyspark  # noqa: F401
            import sqlglot  # noqa: F401
        except ImportError:
            from ..errors import OnaError

            raise OnaError("--engine spark (engine='spark' in Python) needs PySpark and sqlglot: "
                           "pip install 'ona-toolkit[spark]' (and a Java runtime)") from None
        return SparkEngine(tmp, spark)
    raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
