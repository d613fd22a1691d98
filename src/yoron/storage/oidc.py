"""The OpenID Connect repository: a site's providers, pending sign-ins, and linked identities."""

from __future__ import annotations

from yoron.domain.accounts import User
from yoron.domain.oidc import OidcProvider, PendingLogin
from yoron.storage import queries as q
from yoron.storage.drivers import Row, Session
from yoron.storage.rows import user_of


def _provider(row: Row) -> OidcProvider:
    return OidcProvider(
        id=row["id"],
        site_id=row["site_id"],
        name=row["name"],
        label=row["label"],
        issuer=row["issuer"],
        client_id=row["client_id"],
        client_secret=row["client_secret"],
    )


class SqlOidc:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def put_provider(
        self, site_id: int, name: str, label: str, issuer: str, client_id: str, client_secret: str, now: int
    ) -> OidcProvider:
        """Add the provider, or replace the settings of the one with this name."""
        row = await self._s.one(
            q.put_oidc_provider,
            site_id=site_id,
            name=name,
            label=label,
            issuer=issuer,
            client_id=client_id,
            client_secret=client_secret,
            created_at=now,
        )
        return _provider(row)

    async def providers(self, site_id: int) -> list[OidcProvider]:
        return [_provider(row) for row in await self._s.all(q.oidc_providers_of_site, site_id=site_id)]

    async def provider(self, site_id: int, name: str) -> OidcProvider | None:
        row = await self._s.one(q.oidc_provider_by_name, site_id=site_id, name=name)
        return None if row is None else _provider(row)

    async def provider_by_id(self, provider_id: int) -> OidcProvider | None:
        row = await self._s.one(q.oidc_provider_by_id, id=provider_id)
        return None if row is None else _provider(row)

    async def remove_provider(self, site_id: int, name: str) -> bool:
        return await self._s.value(q.delete_oidc_provider, site_id=site_id, name=name) is not None

    async def add_login(self, state_hash: str, login: PendingLogin, expires_at: int, now: int) -> None:
        await self._s.run(q.forget_old_oidc_logins, now=now)
        await self._s.run(
            q.insert_oidc_login,
            state_hash=state_hash,
            provider_id=login.provider_id,
            nonce=login.nonce,
            code_verifier=login.code_verifier,
            next=login.next,
            expires_at=expires_at,
        )

    async def take_login(self, state_hash: str, now: int) -> PendingLogin | None:
        row = await self._s.one(q.take_oidc_login, state_hash=state_hash)
        if row is None or row["expires_at"] <= now:
            return None
        return PendingLogin(row["provider_id"], row["nonce"], row["code_verifier"], row["next"])

    async def identity_user(self, site_id: int, issuer: str, subject: str) -> User | None:
        row = await self._s.one(q.oidc_identity_user, site_id=site_id, issuer=issuer, subject=subject)
        return None if row is None else user_of(row)

    async def link(self, site_id: int, issuer: str, subject: str, user_id: int, now: int) -> None:
        await self._s.run(
            q.insert_oidc_identity,
            site_id=site_id,
            issuer=issuer,
            subject=subject,
            user_id=user_id,
            created_at=now,
        )
