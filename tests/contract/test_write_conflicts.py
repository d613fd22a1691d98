"""Two writers racing to create the same thing: one wins, the other gets a clear error, never a crash."""

from __future__ import annotations

import asyncio

from tests.factories import make_site
from yoron.domain.accounts import Role, User
from yoron.domain.errors import DomainError
from yoron.services import accounts
from yoron.services.context import Context


async def test_racing_sign_ups_for_one_address(ctx: Context) -> None:
    site = await make_site(ctx)
    results = await asyncio.gather(
        *(
            accounts.do_add_user(
                ctx, site.slug, "same@example.org", f"Racer {n}", "long password!", Role.READER
            )
            for n in range(4)
        ),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, User)]
    losers = [r for r in results if not isinstance(r, User)]
    assert len(winners) == 1
    assert losers and all(isinstance(r, DomainError) and r.status in (400, 409) for r in losers), losers
