"""Docs that fail the build when they lie: every setting and CLI command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from yoron.cli import app
from yoron.settings import Settings, setting_names

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_DOC = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", setting_names())
def test_every_setting_is_documented_with_its_default(name: str) -> None:
    heading = re.search(rf"^### `{name}`\n(.*?)(?=^### |\Z)", SETTINGS_DOC, re.M | re.S)
    assert heading, f"docs/settings.md has no section for {name}"
    section = heading.group(1)
    assert f"YORON_{name.upper()}" in section
    default = getattr(Settings(), name)
    assert f"Default: `{default}`" in section or (default == "" and "Default: empty" in section), name


def test_no_documented_setting_is_gone() -> None:
    documented = set(re.findall(r"^### `(\w+)`", SETTINGS_DOC, re.M))
    assert documented == set(setting_names())


def _commands(group: typer.Typer, prefix: str = "") -> list[str]:
    names = [f"{prefix}{command.name or command.callback.__name__}" for command in group.registered_commands]  # type: ignore[union-attr]
    for sub in group.registered_groups:
        names += _commands(sub.typer_instance, f"{prefix}{sub.name} ")  # type: ignore[arg-type]
    return names


@pytest.mark.parametrize("command", _commands(app))
def test_every_cli_command_is_documented(command: str) -> None:
    assert f"`yoron {command}" in CLI_DOC, f"docs/cli.md does not describe `yoron {command}`"


def test_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    assert "yoron demo" in blocks[0] and "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1].strip().splitlines()[-1] in ci
