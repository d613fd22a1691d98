"""``yoron serve | migrate | site | demo``: one command to run and tend a yoron."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import msgspec
import typer
from rich.console import Console
from rich.table import Table

from yoron import bootstrap
from yoron.domain.accounts import GuestPolicy, Role, UserStatus
from yoron.domain.errors import DomainError
from yoron.domain.model import Display, Site, SitePolicy, Sort, ThreadState
from yoron.domain.moderation import ModerationPolicy
from yoron.services import accounts, moderation, oidc, profiles, sites, sso, threads
from yoron.services.context import Context
from yoron.settings import Settings, SettingsError, load_settings
from yoron.storage import migrate as migrations

app = typer.Typer(help="yoron: a fast discussion platform for news sites.", no_args_is_help=True)
site_app = typer.Typer(help="Create, list and tune sites.", no_args_is_help=True)
app.add_typer(site_app, name="site")
thread_app = typer.Typer(help="Manage threads.", no_args_is_help=True)
app.add_typer(thread_app, name="thread")
user_app = typer.Typer(help="Create accounts and give roles.", no_args_is_help=True)
app.add_typer(user_app, name="user")
console = Console()
T = TypeVar("T")

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="A TOML settings file (else $YORON_CONFIG).")
]


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except SettingsError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def _context_call(settings: Settings, action: Callable[[Context], Awaitable[T]]) -> T:
    """Run ``action(ctx)`` against the configured database, then close it."""

    async def run() -> T:
        db = await bootstrap.open_db(settings)
        try:
            ctx = Context(db=db, clock=bootstrap.clock_ms, limits=bootstrap.limits_from(settings))
            return await action(ctx)
        finally:
            await db.close()

    try:
        return bootstrap.run_sync(run)
    except DomainError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    config: ConfigOption = None,
) -> None:
    """Migrate the database if needed, then serve yoron with granian."""
    from granian import Granian
    from granian.constants import Interfaces

    settings = bootstrap.prepare(_settings(config))
    # Workers build their own settings from the environment; hand them the settled secret.
    os.environ["YORON_SECRET_KEY"] = settings.secret_key
    if config:
        os.environ["YORON_CONFIG"] = str(config.resolve())
    console.print(f"yoron serving on http://{host}:{port} ({settings.database_url.split('://')[0]})")
    Granian(
        "yoron.web.app:create_app_from_env",
        address=host,
        port=port,
        workers=workers,
        interface=Interfaces.ASGI,
        factory=True,
        log_level=settings.log_level,  # type: ignore[arg-type]
    ).serve()


@app.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    down: Annotated[bool, typer.Option("--down", help="Downgrade to REVISION instead.")] = False,
    config: ConfigOption = None,
) -> None:
    """Apply (or with --down, revert) database migrations."""
    settings = _settings(config)
    if down:
        migrations.downgrade(settings.database_url, revision)
    else:
        migrations.upgrade(settings.database_url, revision)
    console.print(f"database at {'revision ' + revision if down else 'the latest revision'}")


def _policy(
    base: SitePolicy,
    guests: GuestPolicy | None,
    display: Display | None,
    max_depth: int | None,
    sort: Sort | None,
    edit_window: int | None,
    auto_create: bool | None,
) -> SitePolicy:
    return SitePolicy(
        guest_policy=guests or base.guest_policy,
        display=display or base.display,
        max_depth=base.max_depth if max_depth is None else max_depth,
        default_sort=sort or base.default_sort,
        edit_window_seconds=base.edit_window_seconds if edit_window is None else edit_window,
        auto_create_threads=base.auto_create_threads if auto_create is None else auto_create,
    )


GuestsOption = Annotated[
    GuestPolicy | None, typer.Option("--guests", help="allowed, premoderated or sign_in_required.")
]
DisplayOption = Annotated[Display | None, typer.Option(help="flat or nested.")]
DepthOption = Annotated[int | None, typer.Option("--max-depth", help="Deepest nesting shown.")]
SortOption = Annotated[Sort | None, typer.Option("--sort", help="Default sort.")]
WindowOption = Annotated[int | None, typer.Option("--edit-window", help="Seconds a comment stays editable.")]
AutoOption = Annotated[
    bool | None, typer.Option("--auto-create/--no-auto-create", help="Create threads on first load.")
]


@site_app.command("add")
def site_add(
    slug: Annotated[str, typer.Argument(help="Short name, e.g. 'news'.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    origin: Annotated[list[str] | None, typer.Option(help="An origin allowed to embed (repeatable).")] = None,
    guests: GuestsOption = None,
    display: DisplayOption = None,
    max_depth: DepthOption = None,
    sort: SortOption = None,
    edit_window: WindowOption = None,
    auto_create: AutoOption = None,
    config: ConfigOption = None,
) -> None:
    """Create a site and print its API key (shown once)."""
    settings = _settings(config)
    migrations.upgrade(settings.database_url)
    policy = _policy(SitePolicy(), guests, display, max_depth, sort, edit_window, auto_create)
    result = _context_call(
        settings, lambda ctx: sites.do_add_site(ctx, slug, name or slug, origin or [], policy)
    )
    site, key = result
    console.print(f"site [bold]{site.slug}[/bold] created (id {site.id})")
    console.print(f"API key (keep it secret, it is not shown again): {key}")


@site_app.command("set")
def site_set(
    slug: Annotated[str, typer.Argument(help="The site to change.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    origin: Annotated[list[str] | None, typer.Option(help="Replace the allowed origins.")] = None,
    guests: GuestsOption = None,
    display: DisplayOption = None,
    max_depth: DepthOption = None,
    sort: SortOption = None,
    edit_window: WindowOption = None,
    auto_create: AutoOption = None,
    config: ConfigOption = None,
) -> None:
    """Change a site's name, origins or policies."""
    settings = _settings(config)

    async def change(ctx: Context) -> Site:
        async with ctx.db.read() as tx:
            current = await sites.access_site(tx, slug)
        policy = _policy(current.policy, guests, display, max_depth, sort, edit_window, auto_create)
        return await sites.do_update_site(ctx, slug, name=name, origins=origin, policy=policy)

    _context_call(settings, change)
    console.print(f"site [bold]{slug}[/bold] updated")


@site_app.command("sso-secret")
def site_sso_secret(
    slug: Annotated[str, typer.Argument(help="The site.")],
    config: ConfigOption = None,
) -> None:
    """Make a new single sign-on secret; the previous one keeps working until the next rotation."""
    secret = _context_call(_settings(config), lambda ctx: sso.do_rotate_sso_secret(ctx, slug))
    console.print(f"new SSO secret for {slug} (keep it on the server side only): {secret}")


@site_app.command("oidc")
def site_oidc(
    slug: Annotated[str, typer.Argument(help="The site.")],
    issuer: Annotated[str, typer.Option(help="The provider's issuer URL, exactly as in its tokens.")],
    client_id: Annotated[str, typer.Option(help="yoron's client id at the provider.")],
    client_secret: Annotated[str, typer.Option(help="yoron's client secret at the provider.")],
    label: Annotated[str, typer.Option(help='Shown as "Sign in with LABEL".')],
    name: Annotated[
        str | None, typer.Option(help="Short name in URLs (default: made from the label).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Let the site's readers sign in with an OpenID Connect provider (or change one)."""
    provider = _context_call(
        _settings(config),
        lambda ctx: oidc.do_set_provider(
            ctx,
            slug,
            issuer=issuer,
            client_id=client_id,
            client_secret=client_secret,
            label=label,
            name=name,
        ),
    )
    console.print(f"{slug}: Sign in with {provider.label} ({provider.name}, {provider.issuer})")
    console.print("register this redirect URI at the provider: <public_url>/auth/oidc/callback")


@site_app.command("oidc-list")
def site_oidc_list(
    slug: Annotated[str, typer.Argument(help="The site.")],
    config: ConfigOption = None,
) -> None:
    """List the site's OpenID Connect providers (secrets are not shown)."""
    found = _context_call(_settings(config), lambda ctx: oidc.list_providers(ctx, slug))
    table = Table("name", "label", "issuer", "client id")
    for provider in found:
        table.add_row(provider.name, provider.label, provider.issuer, provider.client_id)
    console.print(table)


@site_app.command("oidc-remove")
def site_oidc_remove(
    slug: Annotated[str, typer.Argument(help="The site.")],
    name: Annotated[str, typer.Argument(help="The provider's name (see oidc-list).")],
    config: ConfigOption = None,
) -> None:
    """Stop offering sign-in with a provider; accounts made with it stay, linked for if it returns."""
    _context_call(_settings(config), lambda ctx: oidc.do_remove_provider(ctx, slug, name))
    console.print(f"{slug}: sign-in with {name} removed")


@site_app.command("moderation")
def site_moderation(
    slug: Annotated[str, typer.Argument(help="The site.")],
    policy: Annotated[
        str | None,
        typer.Argument(help="The whole policy as JSON; fields left out take their defaults."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Show the site's moderation policy, or replace it with the JSON given."""
    settings = _settings(config)
    if policy is None:
        site = _context_call(settings, lambda ctx: sites.get_site(ctx, slug))
        console.print_json(msgspec.json.encode(site.moderation).decode())
        return
    try:
        wanted = msgspec.json.decode(policy, type=ModerationPolicy)
    except msgspec.DecodeError as error:
        raise typer.BadParameter(str(error), param_hint="POLICY") from None
    site = _context_call(settings, lambda ctx: moderation.do_set_policy(ctx, slug, wanted, "cli"))
    console.print_json(msgspec.json.encode(site.moderation).decode())


@site_app.command("list")
def site_list(config: ConfigOption = None) -> None:
    """List the sites and their policies."""
    found = _context_call(_settings(config), sites.list_sites)
    table = Table(
        "slug", "name", "origins", "guests", "display", "depth", "sort", "edit window", "auto-create"
    )
    for site in found:
        policy = site.policy
        table.add_row(
            site.slug,
            site.name,
            " ".join(site.origins),
            policy.guest_policy.value,
            policy.display.value,
            str(policy.max_depth),
            policy.default_sort.value,
            f"{policy.edit_window_seconds}s",
            "yes" if policy.auto_create_threads else "no",
        )
    console.print(table)


@thread_app.command("state")
def thread_state(
    thread_id: Annotated[int, typer.Argument(help="The thread's id.")],
    state: Annotated[ThreadState, typer.Argument(help="open, closed (read-only) or archived.")],
    config: ConfigOption = None,
) -> None:
    """Open, close or archive a thread."""
    thread = _context_call(_settings(config), lambda ctx: threads.do_set_thread_state(ctx, thread_id, state))
    console.print(f"thread {thread.id} ({thread.title}) is now {thread.state.value}")


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    site: Annotated[str | None, typer.Option(help="The site the account belongs to.")] = None,
    role: Annotated[Role, typer.Option(help="reader, moderator or admin.")] = Role.READER,
    operator: Annotated[bool, typer.Option("--operator", help="A global operator, on no site.")] = False,
    config: ConfigOption = None,
) -> None:
    """Create a verified account; the password is read from the terminal (or standard input)."""
    settings = _settings(config)
    migrations.upgrade(settings.database_url)
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    chosen = Role.OPERATOR if operator else role
    user = _context_call(
        settings,
        lambda ctx: accounts.do_add_user(ctx, None if operator else site, email, name, password, chosen),
    )
    console.print(f"{user.role.value} [bold]{user.display_name}[/bold] created (id {user.id})")


@user_app.command("role")
def user_role(
    site: Annotated[str, typer.Argument(help="The site.")],
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    role: Annotated[Role, typer.Argument(help="reader, moderator or admin.")],
    config: ConfigOption = None,
) -> None:
    """Give an account of a site another role."""
    user = _context_call(_settings(config), lambda ctx: accounts.do_set_role(ctx, site, email, role))
    console.print(f"{user.display_name} is now {user.role.value} on {site}")


@user_app.command("status")
def user_status(
    site: Annotated[str, typer.Argument(help="The site.")],
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    status: Annotated[UserStatus, typer.Argument(help="active, suspended or banned.")],
    config: ConfigOption = None,
) -> None:
    """Suspend, ban or reinstate an account (suspended and banned accounts may only read)."""
    user = _context_call(_settings(config), lambda ctx: profiles.do_set_status(ctx, site, email, status))
    console.print(f"{user.display_name} is now {user.status.value} on {site}")


@app.command()
def demo(
    comments: Annotated[int, typer.Option(help="How many comments to generate.")] = 300,
    serve_after: Annotated[bool, typer.Option("--serve", help="Serve the demo afterwards.")] = False,
    host: Annotated[str, typer.Option(help="Address to serve on (with --serve).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on (with --serve).")] = 8000,
    config: ConfigOption = None,
) -> None:
    """Create a demo site and article with synthetic comments, and print its URL."""
    from yoron.cli.demo import build_demo

    settings = _settings(config)
    migrations.upgrade(settings.database_url)
    thread_id, created = _context_call(settings, lambda ctx: build_demo(ctx, comments))
    state = "created" if created else "already there"
    console.print(f"demo thread {state}: http://{host}:{port}/t/{thread_id}")
    if serve_after:
        serve(host=host, port=port, workers=1, config=config)


def main() -> None:
    app()
