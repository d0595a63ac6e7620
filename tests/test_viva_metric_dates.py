"""A Viva Insights group-to-group export's MetricDate is read as every email time is.

It was read as m/d/Y only: a sheet saved again with ISO dates (2023-01-04), or day first, matched
no --since/--until at all, and every row was left out without a word. The sample is Microsoft's
(tests/data/vivainsights/PROVENANCE.md): 144 rows between units, dated 01/04/2023 and later."""

from __future__ import annotations

import pandas as pd

from ona.ingest.email import EmailOptions, read_email

from conftest import DATA

SAMPLE = DATA / "vivainsights" / "g2g_data.csv"


def rows_read(path, **options) -> tuple[int, list[str]]:
    result = read_email(path, None, EmailOptions(**options))
    return int(result.unit_level["rows"].sum()), [w.code for w in result.warnings]


def rewritten(tmp_path, form: str, bad_first: bool = False):
    frame = pd.read_csv(SAMPLE, dtype=str)
    frame["MetricDate"] = pd.to_datetime(frame["MetricDate"], format="%m/%d/%Y").dt.strftime(form)
    if bad_first:
        frame.loc[0, "MetricDate"] = "week 1"
    path = tmp_path / "g2g.csv"
    frame.to_csv(path, index=False)
    return path


def test_the_sample_as_viva_writes_it_and_with_iso_dates_gives_the_same_rows(tmp_path):
    everything = rows_read(SAMPLE)[0]
    assert rows_read(SAMPLE, since="2023-01-01") == (everything, [])
    assert rows_read(rewritten(tmp_path, "%Y-%m-%d"), since="2023-01-01") == (everything, [])
    assert rows_read(rewritten(tmp_path, "%Y-%m-%d"), until="2023-01-01") == (0, [])


def test_day_first_dates_are_read_with_date_order(tmp_path):
    path = rewritten(tmp_path, "%d/%m/%Y")
    first = pd.to_datetime(pd.read_csv(SAMPLE, dtype=str)["MetricDate"], format="%m/%d/%Y")
    cut = first.sort_values().iloc[len(first) // 2].strftime("%Y-%m-%d")  # (a day with rows on both sides)
    as_viva_writes_it = rows_read(SAMPLE, since=cut)
    assert 0 < as_viva_writes_it[0] < rows_read(SAMPLE)[0] and as_viva_writes_it[1] == []
    assert rows_read(path, since=cut, date_order="day-first") == as_viva_writes_it


def test_a_metric_date_that_cannot_be_read_is_counted_in_a_warning_not_lost_silently(tmp_path, email_engine):
    """On both engines: the rows, the ISO dates and the warning come out the same."""
    path = rewritten(tmp_path, "%m/%d/%Y", bad_first=True)
    everything = rows_read(SAMPLE)[0]
    assert rows_read(path) == (everything, [])  # (no window: the date is not needed)
    result = read_email(path, None, EmailOptions(since="2023-01-01"))
    assert int(result.unit_level["rows"].sum()) == everything - 1
    assert rows_read(rewritten(tmp_path, "%Y-%m-%d"), since="2023-01-01") == (everything, [])
    [warning] = result.warnings
    assert (warning.code, warning.severity) == ("no-time", "warning")
    assert warning.message.startswith("1 row has no readable MetricDate, so it cannot be placed in --since and was "
                                      "left out")
