"""Docs that can't drift: every command has help and appears in the README."""

from __future__ import annotations

import pytest

from ona.cli import cli

from conftest import ROOT

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(runner, name):
    res = runner.invoke(cli, [name, "--help"])
    assert res.exit_code == 0
    assert cli.commands[name].help and len(cli.commands[name].help.strip()) > 20


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"ona {name}" in readme


import re

import ona.metrics

METRICS_DOC = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ona.metrics.__all__)
def test_every_metric_has_a_section_with_a_reference(name):
    """Each name in ona.metrics.__all__ has a `## name` section citing a reference (a year)."""
    match = re.search(rf"^## {re.escape(name)}\n(.*?)(?=^## |\Z)", METRICS_DOC, flags=re.S | re.M)
    assert match, f"docs/metrics.md has no section '## {name}'"
    assert re.search(r"\((19|20)\d\d\)", match.group(1)), f"section {name} cites no reference"
