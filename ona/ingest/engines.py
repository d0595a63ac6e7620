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
import re
import warnings
from pathlib import Path

import pandas as pd

__all__ = ["ENGINES", "DuckDBEngine", "SparkEngine", "open_engine", "spark_sql", "is_remote"]

ENGINES = ("duckdb", "spark")
_LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")

# The few fields of a Microsoft Graph Data Connect Outlook message that ona reads; subject, body
# and every other field are never parsed (the reader is given this schema, not the file's).
_ADDRESS = "STRUCT(emailAddress STRUCT(address VARCHAR))"
GDC_COLUMNS = {"internetMessageId": "VARCHAR", "sentDateTime": "VARCHAR", "isDraft": "BOOLEAN",
               "from": _ADDRESS, "sender": _ADDRESS, "toRecipients": _ADDRESS + "[]", "ccRecipients": _ADDRESS + "[]"}


def is_remote(path) -> bool:
    """A path a cluster reads (``abfss://``, ``s3a://``, ``hdfs://``, ``gs://`` ...), not this machine."""
    text = str(path)
    return "://" in text and not text.startswith("file://")


def _q(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def header_line(path: Path) -> tuple[list[str], str, str]:
    """The header row's cells as written, its delimiter and the file's encoding (utf-16 or utf-8),
    from the first 64 KB."""
    with open(path, "rb") as handle:
        raw = handle.read(65536)
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        text, encoding = raw.decode("utf-16", errors="ignore"), "utf-16"
    else:
        text, encoding = raw.decode("utf-8-sig", errors="replace"), "utf-8"
    line = text.splitlines()[0] if text.strip() else ""
    return _cells(line) + (encoding,)


def _cells(line: str) -> tuple[list[str], str]:
    import csv
    import io

    delimiter = max(",;\t|", key=line.count)
    names = next(csv.reader(io.StringIO(line), delimiter=delimiter)) if line else []
    return names, delimiter


def _column_names(names: list[str]) -> list[str]:
    return [n.strip() or f"column{i + 1}" for i, n in enumerate(names)]


def _utf8_copy(path: Path, tmp: Path) -> Path:
    """A UTF-16 export transcoded to UTF-8 in a stream (never the whole file in memory)."""
    target = tmp / (path.stem + ".utf8.csv")
    with open(path, encoding="utf-16", newline="") as src, open(target, "w", encoding="utf-8", newline="") as dst:
        for block in iter(lambda: src.read(1 << 20), ""):
            dst.write(block)
    return target


def directory_kind(path: Path) -> str:
    """A directory of exports (e.g. partitioned by date) holds Parquet or JSON-lines files."""
    for item in path.rglob("*"):
        if item.suffix.lower() == ".parquet":
            return "parquet"
        if item.suffix.lower() in (".json", ".jsonl"):
            return "json"
    return "parquet"


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
        if encoding == "utf-16":  # DuckDB reads UTF-8
            path = _utf8_copy(path, self.tmp)
        # The header's own columns, read strictly: DuckDB's sniffer would pad a short row with NULLs
        # or take a long one silently; here either is an error that names its line.
        columns = "{" + ", ".join(f"{_q(n)}: 'VARCHAR'" for n in _column_names(names)) + "}"
        return (f"read_csv({_q(str(path))}, columns = {columns}, header = true, auto_detect = false, "
                f"delim = {_q(delimiter)}, quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
                "ignore_errors = false)")

    def columns(self, relation: str) -> list[str]:
        return [row[0] for row in self.con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def frame(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()

    def table(self, name: str, frame: pd.DataFrame) -> None:
        self.con.register(f"{name}_frame", frame)
        self.con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE VIEW {name} AS {sql}")

    def store(self, name: str, sql: str) -> None:
        """The result of ``sql`` kept as table ``name`` (on disk beyond the memory limit): a stage
        that DuckDB runs on its own fits its limit where one long pipeline ran out of memory."""
        self.con.execute(f"CREATE TABLE {name} AS {sql}")

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


class SparkEngine:
    """PySpark: the user's session (``spark``), or the one the standard Spark configuration gives
    (``spark-defaults.conf``, ``PYSPARK_SUBMIT_ARGS``, ``SPARK_REMOTE``; a local session when
    nothing is configured). The session's time zone is UTC while ona works, then restored."""

    name = "spark"

    def __init__(self, tmp: Path, spark=None):
        from pyspark.errors import PySparkException
        from pyspark.sql import SparkSession

        self.tmp = tmp
        self.owned = spark is None and SparkSession.getActiveSession() is None
        if spark is None:
            with warnings.catch_warnings():  # pyspark is not yet tested with pandas 3; ona passes it no pandas
                warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
                spark = (SparkSession.builder.appName("ona").config("spark.ui.enabled", "false")
                         .config("spark.ui.showConsoleProgress", "false")
                         .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_LOG_CONFIG}")
                         .config("spark.sql.session.timeZone", "UTC").getOrCreate())
            if self.owned:
                spark.sparkContext.setLogLevel("OFF")  # ona reports errors itself
        self.spark = spark
        self.errors = (PySparkException,) + _py4j_errors()
        self._zone = spark.conf.get("spark.sql.session.timeZone")
        spark.conf.set("spark.sql.session.timeZone", "UTC")
        self._views: list[str] = []
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
            if is_remote(text):
                names, delimiter = _cells(reader.text(text).first()[0].lstrip("\ufeff"))
            else:
                names, delimiter, encoding = header_line(Path(text))
                if encoding == "utf-16":
                    text = str(_utf8_copy(Path(text), self.tmp))
            schema = T.StructType([T.StructField(n, T.StringType()) for n in _column_names(names)])
            frame = (reader.schema(schema).option("header", True).option("sep", delimiter).option("quote", '"')
                     .option("escape", '"').option("mode", "FAILFAST").option("multiLine", False)
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

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(spark_sql(sql)).createOrReplaceTempView(name)
        self._views.append(name)

    def store(self, name: str, sql: str) -> None:
        """A view: Spark plans the stages as one job and spills by itself."""
        self.view(name, sql)

    def in_file_order(self):
        """Spark's row numbers follow the file already (see :func:`spark_sql`)."""
        return contextlib.nullcontext()

    def close(self) -> None:
        for name in self._views:
            self.spark.catalog.dropTempView(name)
        self.spark.conf.set("spark.sql.session.timeZone", self._zone)
        if self.owned:
            self.spark.stop()


def _py4j_errors() -> tuple:
    try:
        from py4j.protocol import Py4JError
    except ImportError:  # Spark Connect clients have no py4j
        return ()
    return (Py4JError,)


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

            raise OnaError("--engine spark needs PySpark and sqlglot: pip install 'ona-toolkit[spark]' "
                           "(and a Java runtime)") from None
        return SparkEngine(tmp, spark)
    raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
