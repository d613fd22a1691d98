"""`yoron site oidc`, `oidc-list` and `oidc-remove` against a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from yoron.cli import app

runner = CliRunner()


def test_add_change_list_and_remove_a_provider(tmp_path: Path) -> None:
    env = {"YORON_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "COLUMNS": "200"}
    assert runner.invoke(app, ["site", "add", "news"], env=env).exit_code == 0
    provider = ["--client-id", "yoron", "--client-secret", "s3cret-value", "--label", "Example ID"]
    added = runner.invoke(app, ["site", "oidc", "news", "--issuer", "https://id.example", *provider], env=env)
    assert added.exit_code == 0, added.output
    assert "example-id" in added.output and "/auth/oidc/callback" in added.output
    changed = runner.invoke(
        app, ["site", "oidc", "news", "--issuer", "https://login.example/", *provider], env=env
    )
    assert changed.exit_code == 0, changed.output
    listed = runner.invoke(app, ["site", "oidc-list", "news"], env=env)
    assert "https://login.example/" in listed.output and "id.example" not in listed.output
    assert "s3cret-value" not in listed.output

    insecure = runner.invoke(
        app, ["site", "oidc", "news", "--issuer", "http://id.example", *provider], env=env
    )
    assert insecure.exit_code == 1 and "https" in insecure.output
    assert (
        runner.invoke(
            app, ["site", "oidc", "nosuch", "--issuer", "https://id.example", *provider], env=env
        ).exit_code
        == 1
    )

    removed = runner.invoke(app, ["site", "oidc-remove", "news", "example-id"], env=env)
    assert removed.exit_code == 0, removed.output
    again = runner.invoke(app, ["site", "oidc-remove", "news", "example-id"], env=env)
    assert again.exit_code == 1 and "no provider" in again.output
