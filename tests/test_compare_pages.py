"""The method page and the wave comparison page: definition tables render as tables, and the
comparison measures both waves on one basis (the later wave's units), as docs/metrics.md says."""

from __future__ import annotations

import re

from ona.report.index_page import _markdown_to_html, write_method_page


def test_the_method_page_renders_its_definition_tables(tmp_path):
    """The person figures, unit figures and brokerage roles of docs/metrics.md are HTML tables
    with a header row, not the raw '| column | definition |' text."""
    html = write_method_page(tmp_path / "method.html").read_text(encoding="utf-8")
    assert html.count("<table>") == 3 and "| ---" not in html and "| column |" not in html
    heads = re.findall(r"<thead><tr>(.*?)</tr></thead>", html)
    assert heads == ["<th>column</th><th>definition</th>"] * 2 + [
        "<th>column</th><th>role</th><th>shape</th><th>sna column</th>"]
    assert ("<tr><td><code>liaison</code></td><td>liaison</td><td>a, b, c in three different units</td>"
            "<td>b_O</td></tr>") in html
    assert 'id="ei_index"' in html


def test_a_markdown_table_cell_is_escaped():
    html = _markdown_to_html("Before.\n| a | b |\n| --- | --- |\n| <x> & y | `z` |\nAfter.")
    assert html == ("<p>Before.</p>\n<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr>"
                    "<td>&lt;x&gt; &amp; y</td><td><code>z</code></td></tr></tbody></table>\n<p>After.</p>")
