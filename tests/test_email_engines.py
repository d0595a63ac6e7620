"""A national agency keeps its mail logs where Spark reads them (Graph Data Connect exports in Azure
storage, Parquet partitioned by date). `ona` sends the same aggregation rules there and brings back
only the tie table: on Spark they must give exactly what DuckDB gives on this machine."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

import ona
from ona.cli import cli
from ona.errors import InputError
from ona.ingest.email import EmailOptions, _read_problem, detect_email_format, read_email
from ona.ingest.engines import _LOG_CONFIG, SparkEngine, driver_java_options, is_remote, local_session_conf, spark_sql

from conftest import DATA, write_csv
from test_email import message_log
from test_email import roster as roster  # noqa: F401  (the fixture, for message_log)

H = DATA / "email_handmade"
MARKER = "SECRET-MARKER-7f3a"


@pytest.fixture(scope="module")
def handmade_roster():
    return ona.read_roster(H / "roster.csv")


def outcome(paths, roster, options, engine, spark=None):
    """Everything that must agree between engines: the pairs with weights and message counts, the
    exclusion counts by reason and the rows read; or, for a malformed file, the problems' places."""
    try:
        result = read_email(paths, roster, replace(options, engine=engine), spark=spark)
    except InputError as exc:
        return "error", sorted((p.code, p.path, p.row, p.column) for p in exc.problems)
    t = result.ties.ties
    pairs = sorted(zip(t["source"], t["target"], t["weight"], t["messages"]))
    return pairs, result.excluded, result.rows_read, result.formats


def assert_same(duck, spark_result):
    if duck[0] == "error":
        assert spark_result == duck
        return
    pairs_d, pairs_s = duck[0], spark_result[0]
    assert [p[:2] + p[3:] for p in pairs_s] == [p[:2] + p[3:] for p in pairs_d]
    # Sums of fractions (split weights) may add in another order: equal to 1e-12.
    assert all(math.isclose(a[2], b[2], rel_tol=1e-12) for a, b in zip(pairs_s, pairs_d))
    assert spark_result[1:] == duck[1:]


HANDMADE = {  # every hand-made file, with the options its own test uses (test_email_handmade.py)
    "message log": ("message_log.csv", EmailOptions(max_recipients=3, cc_weight=0.5, exclude=("^all-staff@",))),
    "split weights": ("message_log.csv", EmailOptions(max_recipients=3, cc_weight=0.5, weight="split",
                                                      exclude=("^all-staff@",))),
    "window, reciprocity, domains": ("message_log.csv", EmailOptions(since="2024-01-11", until="2024-02-01",
                                                                     reciprocal=True, external="domain")),
    "minimum messages, kept externals": ("message_log.csv", EmailOptions(min_messages=2, external="keep")),
    "recipient log": ("recipient_log.csv", EmailOptions(cc_weight=0.5)),
    "m365 classic trace": ("m365_trace.csv", EmailOptions()),
    "m365 extended report (UTF-16)": ("m365_extended.csv", EmailOptions()),
    "mbox": ("archive.mbox", EmailOptions()),
    "viva person-to-person": ("viva_p2p.csv", EmailOptions()),
    "graph data connect": ("gdc_messages.jsonl", EmailOptions(cc_weight=0.5)),
    "malformed rows": ("bad_rows.csv", EmailOptions()),
    "a short row": ("short_row.csv", EmailOptions()),
}


@pytest.mark.spark
@pytest.mark.parametrize("case", list(HANDMADE))
def test_spark_gives_the_tie_table_duckdb_gives_on_every_handmade_file(case, spark, handmade_roster):
    name, options = HANDMADE[case]
    roster = ona.read_roster(H / "viva_roster.csv") if name.startswith("viva") else handmade_roster
    duck = outcome([H / name], roster, options, "duckdb")
    assert duck[0] == "error" or duck[0], "the case must produce ties (or an error) to compare"
    assert_same(duck, outcome([H / name], roster, options, "spark", spark))


def test_every_email_test_that_leaves_its_spark_run_here_names_a_test_and_case_that_exist():
    """conftest.email_engine skips the Spark run of a test marked ``on_spark_in``: the test it names
    must be here, with the case it names, or that test's Spark run would be lost without a word."""
    import inspect

    import test_email
    import test_email_handmade

    named = [(module.__name__, fn.__name__, m.args[0]) for module in (test_email, test_email_handmade)
             for fn in vars(module).values() if inspect.isfunction(fn) and fn.__name__.startswith("test_")
             for m in getattr(fn, "pytestmark", []) if m.name == "on_spark_in"]
    assert len(named) == 9
    for module, test, target in named:
        file, _, name = target.partition("::")
        name, _, case = name.partition("[")
        assert file == "test_email_engines.py" and callable(globals().get(name)), (module, test, target)
        assert any(m.name == "spark" for m in globals()[name].pytestmark), (module, test, target)
        if case:
            assert case[:-1] in HANDMADE, (module, test, target)


@pytest.mark.spark
def test_spark_agrees_on_the_display_named_log_and_several_files_read_as_one(tmp_path, roster, spark):
    """test_email.py's hand-made log (display names, a duplicate, self-mail, an automated sender,
    an external address, a 2023 message) and, read together with it, the hand-made mbox."""
    log = message_log(tmp_path)
    for options in (EmailOptions(), EmailOptions(max_recipients=3, since="2024-01-01", cc_weight=0.5, weight="split")):
        assert_same(outcome([log], roster, options, "duckdb"), outcome([log], roster, options, "spark", spark))
    both, r = [H / "message_log.csv", H / "archive.mbox"], ona.read_roster(H / "roster.csv")
    options = EmailOptions(max_recipients=3, cc_weight=0.5, exclude=("^all-staff@",))  # test_email_handmade's
    assert_same(outcome(both, r, options, "duckdb"), outcome(both, r, options, "spark", spark))


def test_graph_data_connect_messages_by_hand(handmade_roster):
    """gdc_messages.jsonl, worked out by hand (--cc-weight 0.5): g1 Ann -> Bo, Cy, Cc Di (and Bcc Eva,
    never read), exported twice (Ann's and Bo's mailbox): A->B 1, A->C 1, A->D 0.5 and 3 duplicate
    recipients; g2 Bo -> ANN (+01:00 time): B->A 1; g3 a draft: left out; g4 sent by Eva on behalf
    of Di (``from`` = Di): D->A 1; g5 Ann -> partner (external) and Bo: A->B 1 (A->B = 2); g6 Cy, Cc
    Bo only: C->B 0.5. Rows: 3 + 3 + 1 + 1 + 1 + 2 + 1 = 12."""
    result = read_email(H / "gdc_messages.jsonl", handmade_roster, EmailOptions(cc_weight=0.5))
    t = result.ties.ties
    assert {(s, g): w for s, g, w in zip(t["source"], t["target"], t["weight"])} == {
        ("A", "B"): 2, ("A", "C"): 1, ("A", "D"): 0.5, ("B", "A"): 1, ("D", "A"): 1, ("C", "B"): 0.5}
    assert result.excluded == {"draft": 1, "external": 1, "duplicate-recipient": 3}
    assert result.rows_read == 12 and result.formats == ("graph-data-connect",)
    assert detect_email_format(H / "gdc_messages.jsonl") == "graph-data-connect"


def test_a_graph_data_connect_time_that_is_no_time_names_its_line(tmp_path, handmade_roster):
    lines = (H / "gdc_messages.jsonl").read_text().splitlines()
    bad = json.loads(lines[2])
    bad["sentDateTime"] = "yesterday"
    lines[2] = json.dumps(bad)
    path = tmp_path / "messages.json"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        read_email(path, handmade_roster)
    [problem] = caught.value.problems
    assert (problem.code, problem.row, problem.column) == ("bad-timestamp", 3, "sentDateTime")


def partitioned(tmp_path, relation: str, name: str):
    """``relation`` written as Parquet partitioned by day (``day=2024-01-10/…``), as a warehouse keeps it."""
    target = tmp_path / name
    duckdb.connect().execute(f"COPY (SELECT *, CAST(day_text AS DATE) AS day FROM ({relation})) "
                             f"TO '{target}' (FORMAT parquet, PARTITION_BY (day))")
    return target


@pytest.mark.spark
def test_parquet_directories_partitioned_by_date_on_both_engines(tmp_path, handmade_roster, spark):
    """The hand-made message log and the Graph Data Connect export, each as a Parquet directory
    partitioned by day (and the export as JSON files in nested folders), give the same ties as the
    files they came from, on DuckDB and on Spark."""
    options = EmailOptions(max_recipients=3, cc_weight=0.5, exclude=("^all-staff@",))
    log = partitioned(tmp_path, f"SELECT *, substr(sent, 1, 10) AS day_text FROM read_csv('{H / 'message_log.csv'}', "
                                "all_varchar = true)", "log")
    assert len(list(log.glob("day=*"))) > 3
    gdc_relation = (f"SELECT * REPLACE (CAST(ptenant AS VARCHAR) AS ptenant), "  # Spark reads no UUID column
                    f"substr(CAST(sentDateTime AS VARCHAR), 1, 10) AS day_text "
                    f"FROM read_json('{H / 'gdc_messages.jsonl'}', format = 'newline_delimited')")
    gdc = partitioned(tmp_path, gdc_relation, "gdc")
    nested = tmp_path / "gdc-json" / "2024" / "03"  # JSON lines in nested folders, as an export writes them
    nested.mkdir(parents=True)
    lines = (H / "gdc_messages.jsonl").read_text().splitlines(keepends=True)
    (nested / "part-0000.json").write_text("".join(lines[:3]))
    (nested / "part-0001.json").write_text("".join(lines[3:]))
    for directory, source, opts in ((log, H / "message_log.csv", options),
                                    (gdc, H / "gdc_messages.jsonl", EmailOptions()),
                                    (tmp_path / "gdc-json", H / "gdc_messages.jsonl", EmailOptions())):
        expected = outcome([source], handmade_roster, opts, "duckdb")
        assert outcome([directory], handmade_roster, opts, "duckdb") == expected
        assert_same(outcome([directory], handmade_roster, opts, "duckdb"),
                    outcome([directory], handmade_roster, opts, "spark", spark))


@pytest.mark.spark
def test_the_real_company_log_gives_the_same_5783_pairs_on_spark(spark):
    """82,927 recipient rows of the manufacturing company (Michalski et al. 2011) on both engines."""
    data = DATA / "manufacturing-email"
    roster = ona.read_roster(data / "nodes.csv", id_column="node_id", unit_column="division_head")
    options = EmailOptions(max_recipients=10**6)
    duck = outcome([data / "messages.csv"], roster, options, "duckdb")
    assert len(duck[0]) == 5783
    assert_same(duck, outcome([data / "messages.csv"], roster, options, "spark", spark))


@pytest.mark.spark
def test_ona_email_on_spark_says_where_it_ran_and_keeps_no_subject(runner, tmp_path, spark):
    out = tmp_path / "ties.csv"
    result = runner.invoke(cli, ["email", str(H / "gdc_messages.jsonl"), "--roster", str(H / "roster.csv"),
                                 "--engine", "spark", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "12 recipient rows (graph-data-connect) with Spark (local[2])" in result.stderr
    assert "Left out: 1 recipient row (draft)" in result.stderr
    assert MARKER not in out.read_text() and MARKER not in result.output
    assert "eva@" not in out.read_text()  # only Bcc'd: Bcc is never read


@pytest.mark.spark
def test_a_malformed_file_on_spark_is_a_clean_error_with_its_row(runner, spark):
    result = runner.invoke(cli, ["email", str(H / "short_row.csv"), "--roster", str(H / "roster.csv"),
                                 "--engine", "spark", "--out", "never.csv"])
    assert result.exit_code == 2
    assert "short_row.csv" in result.output and "row" in result.output and "Traceback" not in result.output
    assert "@org.example" not in result.output  # Spark's own message quotes the record; ona never does


def test_sqlglot_carries_the_rules_to_spark_with_onas_three_rewrites():
    """The rewrites ona adds to sqlglot's translation: file-order row numbers, a 64-bit hash, and
    strptime formats as Java patterns tried in order."""
    sql = spark_sql("SELECT row_number() OVER () AS n, hash(msg) AS h, "
                    "TRY_STRPTIME(x, ['%m/%d/%Y %I:%M:%S %p', '%d.%m.%Y']) AS t FROM rows")
    assert "ROW_NUMBER() OVER (ORDER BY MONOTONICALLY_INCREASING_ID()" in sql
    assert "XXHASH64(msg)" in sql
    assert "TRY_TO_TIMESTAMP(x, 'M/d/yyyy h:mm:ss a')" in sql and "TRY_TO_TIMESTAMP(x, 'd.M.yyyy')" in sql
    assert sql.index("M/d/yyyy") < sql.index("d.M.yyyy")


def test_cluster_paths_are_read_by_the_cluster_not_checked_here(handmade_roster):
    assert is_remote("abfss://mail@agency.dfs.core.windows.net/messages/") and not is_remote(H / "x.csv")
    assert detect_email_format("abfss://mail@agency.dfs.core.windows.net/2024/messages.json") == "graph-data-connect"
    with pytest.raises(InputError, match="no such file"):
        read_email(H / "missing.csv", handmade_roster)


def test_an_unknown_engine_is_refused(handmade_roster, runner, tmp_path):
    with pytest.raises(ValueError, match="engine"):
        read_email(H / "message_log.csv", handmade_roster, EmailOptions(engine="bigquery"))
    log = write_csv(tmp_path / "log.csv", [["from", "to"], ["ann@org.example", "bo@org.example"]])
    result = runner.invoke(cli, ["email", str(log), "--roster", str(H / "roster.csv"), "--engine", "bigquery",
                                 "--out", str(tmp_path / "t.csv")])
    assert result.exit_code == 2 and "bigquery" in result.output


@pytest.mark.spark
def test_ona_analyze_on_spark_writes_the_report_of_the_graph_data_connect_export(runner, tmp_path, spark):
    out = tmp_path / "report"
    result = runner.invoke(cli, ["analyze", "--roster", str(H / "roster.csv"), "--email", str(H / "gdc_messages.jsonl"),
                                 "--engine", "spark", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Email: 6 messages, 12 recipient rows (graph-data-connect) with Spark (local[2])" in result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["summary"]["ties"] == 6


@pytest.mark.spark
def test_a_cluster_path_this_spark_cannot_reach_says_what_is_missing(runner, spark):
    """A local Spark has no Azure storage connector: the error says so in one line, exit 2."""
    result = runner.invoke(cli, ["email", "abfss://mail@agency.dfs.core.windows.net/outlook/messages.json",
                                 "--roster", str(H / "roster.csv"), "--engine", "spark", "--out", "never.csv"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "cannot read abfss:// paths" in result.output and "hadoop-azure" in result.output


# --- ona's own local session: its memory, and the user's configuration first ---------------------

FOUR_GB = {"spark.driver.memory": "4096m", "spark.driver.maxResultSize": "2048m"}


def test_the_local_session_ona_starts_gets_a_driver_heap_sized_to_the_machine(tmp_path):
    """Spark's 1 GB default driver heap also holds the local executor; on the 10M-row benchmark log it
    ran out (bench/RESULTS.md). With nothing configured: a quarter of the memory, 1-4 GB."""
    bare = {"SPARK_CONF_DIR": str(tmp_path)}  # an empty configuration folder
    assert local_session_conf(bare, memory_mb=24_105) == FOUR_GB  # the benchmark machine
    assert local_session_conf(bare, memory_mb=64_000) == FOUR_GB
    assert local_session_conf(bare, memory_mb=8_192) == {"spark.driver.memory": "2048m",
                                                         "spark.driver.maxResultSize": "1024m"}
    # never below Spark's own defaults on a small machine
    assert local_session_conf(bare, memory_mb=2_000) == {"spark.driver.memory": "1024m",
                                                         "spark.driver.maxResultSize": "1024m"}


@pytest.mark.parametrize("where, setting, left", [
    ("spark-defaults.conf", "spark.driver.memory 6g\n", {"spark.driver.maxResultSize": "2048m"}),
    ("spark-defaults.conf", "# sized by ops\nspark.driver.maxResultSize=3g\n", {"spark.driver.memory": "4096m"}),
    ("spark-defaults.conf", "spark.master   yarn\n", {}),
    ("spark-defaults.conf", "spark.master local[4]\n", FOUR_GB),
    ("spark-env.sh", "export SPARK_DRIVER_MEMORY=6g\n", {"spark.driver.maxResultSize": "2048m"}),
    ("PYSPARK_SUBMIT_ARGS", "--driver-memory 6g pyspark-shell", {"spark.driver.maxResultSize": "2048m"}),
    ("PYSPARK_SUBMIT_ARGS", "--conf spark.driver.memory=6g --conf=spark.driver.maxResultSize=0 pyspark-shell", {}),
    ("PYSPARK_SUBMIT_ARGS", "--master spark://head:7077 pyspark-shell", {}),
    ("SPARK_DRIVER_MEMORY", "6g", {"spark.driver.maxResultSize": "2048m"}),
    ("SPARK_REMOTE", "sc://head:15002", {}),
])
def test_what_the_users_spark_configuration_sets_is_never_overridden(tmp_path, where, setting, left):
    environ = {"SPARK_CONF_DIR": str(tmp_path)}
    if where.endswith((".conf", ".sh")):
        (tmp_path / where).write_text(setting)
    else:
        environ[where] = setting
    assert local_session_conf(environ, memory_mb=24_105) == left


def test_a_properties_file_named_in_pyspark_submit_args_counts_as_configuration(tmp_path):
    props = tmp_path / "ona.properties"
    props.write_text("spark.driver.memory: 3g\n")
    environ = {"SPARK_CONF_DIR": str(tmp_path / "none"),
               "PYSPARK_SUBMIT_ARGS": f"--properties-file {props} pyspark-shell"}
    assert local_session_conf(environ, memory_mb=24_105) == {"spark.driver.maxResultSize": "2048m"}


HEAP_PROBE = """
import json, tempfile
from pathlib import Path
from ona.ingest.engines import SparkEngine
engine = SparkEngine(Path(tempfile.mkdtemp()))
heap = engine.spark.sparkContext._jvm.java.lang.Runtime.getRuntime().maxMemory() // 2**20
conf = engine.spark.sparkContext.getConf()
print(json.dumps([heap, conf.get("spark.driver.memory", None), conf.get("spark.driver.maxResultSize", None)]))
engine.close()
"""


@pytest.mark.spark
@pytest.mark.parametrize("configured", [False, True])
def test_the_jvm_ona_starts_has_that_heap_unless_spark_defaults_conf_says_otherwise(tmp_path, configured):
    """In a fresh process (one JVM per process): the heap the JVM really got."""
    if configured:
        (tmp_path / "spark-defaults.conf").write_text("spark.driver.memory 1200m\n")
    env = {**os.environ, "SPARK_CONF_DIR": str(tmp_path)}
    for name in ("PYSPARK_SUBMIT_ARGS", "SPARK_DRIVER_MEMORY", "SPARK_MEM", "SPARK_REMOTE"):
        env.pop(name, None)
    out = subprocess.run([sys.executable, "-c", HEAP_PROBE], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    heap, memory, result_size = json.loads(out.stdout.strip().splitlines()[-1])
    expected = local_session_conf(env)
    if configured:
        assert "spark.driver.memory" not in expected
        assert memory == "1200m" and result_size == expected["spark.driver.maxResultSize"]
        assert 1000 <= heap <= 1200  # spark-defaults.conf's 1200m, not ona's choice
    else:
        assert (memory, result_size) == (expected["spark.driver.memory"], expected["spark.driver.maxResultSize"])
        assert 0.85 * int(memory[:-1]) <= heap <= int(memory[:-1])


@pytest.mark.parametrize("where, setting, expected", [
    (None, None, f"-Dlog4j2.configurationFile={_LOG_CONFIG}"),
    ("spark-defaults.conf", "spark.driver.extraJavaOptions  -Dhttp.proxyHost=proxy -Xss4m\n",
     f"-Dhttp.proxyHost=proxy -Xss4m -Dlog4j2.configurationFile={_LOG_CONFIG}"),
    ("PYSPARK_SUBMIT_ARGS", "--conf 'spark.driver.extraJavaOptions=-Dhttp.proxyHost=proxy' pyspark-shell",
     f"-Dhttp.proxyHost=proxy -Dlog4j2.configurationFile={_LOG_CONFIG}"),
    ("spark-defaults.conf", "spark.driver.extraJavaOptions -Dlog4j2.configurationFile=/etc/ops/log4j2.xml\n",
     "-Dlog4j2.configurationFile=/etc/ops/log4j2.xml"),
])
def test_the_users_driver_java_options_are_kept_beside_onas_log_setting(tmp_path, where, setting, expected):
    environ = {"SPARK_CONF_DIR": str(tmp_path)}
    if where == "spark-defaults.conf":
        (tmp_path / where).write_text(setting)
    elif where:
        environ[where] = setting
    assert driver_java_options(environ) == expected


JAVA_OPTIONS_PROBE = """
import json, tempfile
from pathlib import Path
from ona.ingest.engines import SparkEngine
engine = SparkEngine(Path(tempfile.mkdtemp()))
system = engine.spark.sparkContext._jvm.java.lang.System
print(json.dumps([system.getProperty("ona.probe"), system.getProperty("log4j2.configurationFile")]))
engine.close()
"""


@pytest.mark.spark
def test_the_jvm_ona_starts_has_the_users_java_options_and_prints_no_spark_log_lines(tmp_path):
    """A proxy or Kerberos setting in spark-defaults.conf reaches the JVM ona starts (ona's log
    setting used to replace it), and Spark does not announce its log level on the terminal."""
    (tmp_path / "spark-defaults.conf").write_text("spark.driver.extraJavaOptions -Dona.probe=kept\n")
    env = {**os.environ, "SPARK_CONF_DIR": str(tmp_path)}
    for name in ("PYSPARK_SUBMIT_ARGS", "SPARK_REMOTE"):
        env.pop(name, None)
    out = subprocess.run([sys.executable, "-c", JAVA_OPTIONS_PROBE], capture_output=True, text=True, env=env,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == ["kept", str(_LOG_CONFIG)]
    assert "log level" not in out.stderr, out.stderr


@pytest.mark.spark
def test_a_session_that_already_runs_is_used_as_it_is(tmp_path, spark):
    """The user's session (passed, or active in the process) keeps its own settings: ona sets no
    memory on it and does not stop it."""
    before = spark.sparkContext.getConf().get("spark.driver.memory", None)
    for engine in (SparkEngine(tmp_path, spark), SparkEngine(tmp_path)):
        assert engine.spark is spark and not engine.owned and engine.memory == {}
        engine.close()
    assert spark.sparkContext.getConf().get("spark.driver.memory", None) == before
    assert spark.range(3).count() == 3  # still running


# --- when Spark still fails: the Java exception, named ----------------------------------------------

SPARK_OOM = """An error occurred while calling o90.getResult.
: org.apache.spark.SparkException: Exception thrown in awaitResult: 
\tat org.apache.spark.util.SparkThreadUtils$.awaitResult(SparkThreadUtils.scala:70)
Caused by: org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 32.0 failed 1 times, \
most recent failure: Lost task 0.0 in stage 32.0 (TID 66) (192.0.2.2 executor driver): java.lang.OutOfMemoryError: Java heap space
\tat java.base/java.nio.HeapByteBuffer.<init>(HeapByteBuffer.java:64)
Driver stacktrace:
\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2935)
Caused by: java.lang.OutOfMemoryError: Java heap space
\tat java.base/java.nio.HeapByteBuffer.<init>(HeapByteBuffer.java:64)
"""


class FakeJavaError(Exception):
    """A py4j error as ona sees it: its text is fetched from the JVM, which may have exited."""

    errmsg = "An error occurred while calling o90.getResult.\n"

    def __init__(self, text=None):
        super().__init__()
        self.text = text

    def __str__(self):
        if self.text is None:
            raise ConnectionRefusedError(111, "Connection refused")
        return self.text


def test_a_spark_failure_names_the_innermost_java_exception_and_its_first_line():
    problem = _read_problem("abfss://mail@agency.dfs.core.windows.net/log.csv", FakeJavaError(SPARK_OOM))
    assert problem.code == "spark-out-of-memory"
    assert "java.lang.OutOfMemoryError: Java heap space" in problem.message
    assert "spark.driver.memory" in problem.message
    other = SPARK_OOM.replace("java.lang.OutOfMemoryError: Java heap space",
                              "java.io.IOException: No space left on device\n\tmore detail")
    problem = _read_problem("abfss://mail@agency.dfs.core.windows.net/log.csv", FakeJavaError(other))
    assert problem.code == "spark-error"
    assert "(java.io.IOException: No space left on device)" in problem.message and "more detail" not in problem.message


SPARK_RESULT_LOST = """An error occurred while calling o90.getResult.
: org.apache.spark.SparkException: Exception thrown in awaitResult: 
\tat org.apache.spark.util.SparkThreadUtils$.awaitResult(SparkThreadUtils.scala:70)
Caused by: org.apache.spark.SparkException: Job aborted due to stage failure: Task 1 in stage 32.0 failed 1 times, \
most recent failure: Lost task 1.0 in stage 32.0 (TID 68) (192.0.2.2 executor driver): TaskResultLost (result lost from block manager)
Driver stacktrace:
\tat org.apache.spark.scheduler.DAGScheduler.$anonfun$abortStage$3(DAGScheduler.scala:4568)
"""


def test_a_task_result_the_driver_could_not_fetch_is_named_with_what_to_do():
    """With 896 MB of driver heap the benchmark log failed so: the OutOfMemoryError only in Spark's
    log, the exception saying the task's result was lost."""
    problem = _read_problem("abfss://mail@agency.dfs.core.windows.net/log.csv", FakeJavaError(SPARK_RESULT_LOST))
    assert problem.code == "spark-error"
    assert ("(org.apache.spark.SparkException: Job aborted due to stage failure: TaskResultLost (result lost from "
            "block manager); in a local session the driver's heap ran out") in problem.message
    assert "spark.driver.memory" in problem.message


def test_a_spark_jvm_that_has_exited_is_said_not_hidden_behind_a_refused_connection(tmp_path):
    problem = _read_problem("abfss://mail@agency.dfs.core.windows.net/log.csv", FakeJavaError())
    assert problem.code == "spark-error" and "Connection refused" not in problem.message
    assert "FakeJavaError" in problem.message and "JVM had exited" in problem.message

    class Dead:  # a session whose JVM is gone: every call is refused
        stopped = False

        def __getattr__(self, name):
            raise ConnectionRefusedError(111, "Connection refused")

        def stop(self):
            Dead.stopped = True

    engine = SparkEngine.__new__(SparkEngine)
    engine.spark, engine.owned, engine._views, engine._zone = Dead(), True, ["pairs"], "UTC"
    engine.close()  # does not raise: the error that ended the work is the one reported
    assert Dead.stopped


def test_a_duckdb_without_the_optimiser_setting_still_stores_the_stages(tmp_path):
    """The stored stages ask DuckDB to run joins as written; a DuckDB that has no such optimiser
    to switch off (older, or renamed) plans them itself and gives the same table."""
    import duckdb

    from ona.ingest.engines import DuckDBEngine

    engine = DuckDBEngine(tmp_path)

    class Refusing:
        def __init__(self, con):
            self.con, self.asked = con, []

        def execute(self, sql, *args):
            self.asked.append(sql)
            if sql.startswith("SET disabled_optimizers") or sql.startswith("RESET disabled_optimizers"):
                raise duckdb.ParserException("unrecognized optimizer")
            return self.con.execute(sql, *args)

    engine.con = Refusing(engine.con)
    engine.store("numbers", "SELECT range AS n FROM range(5)")
    assert engine.con.con.execute("SELECT sum(n) FROM numbers").fetchall() == [(10,)]
    assert not any(sql.startswith("RESET") for sql in engine.con.asked)
    engine.con = engine.con.con
    engine.close()


def test_a_released_spark_stage_gives_its_checkpoint_back(tmp_path, spark):
    """A stage later statements read is a local checkpoint on Spark; once released (no later
    statement reads it), its blocks are freed, which DataFrame.unpersist alone does not do."""
    from ona.ingest.engines import SparkEngine

    engine = SparkEngine(tmp_path, spark)
    persisted = lambda: set(spark.sparkContext._jsc.getPersistentRDDs().keySet())  # noqa: E731
    engine.table("numbers", pd.DataFrame({"id": range(1000)}))
    before = persisted()
    engine.store("counts", "SELECT id % 7 AS b, count(*) AS n FROM numbers GROUP BY id % 7")
    assert persisted() - before and engine.rows("SELECT sum(n) FROM counts") == [(1000,)]
    engine.release("counts")
    assert persisted() == before
    engine.close()
