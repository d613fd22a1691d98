"""Public profiles (/u/{id} and its JSON), locally drawn avatars, and claiming guest comments."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromQuery, PathParameter, QueryParameter
from litestar.response import Template

from yoron.domain.avatars import avatar_svg
from yoron.services import profiles
from yoron.web.identity import device_key, request_token, viewer_of
from yoron.web.pages import PAGE_HEADERS
from yoron.web.runtime import ctx_of, runtime_of
from yoron.web.schemas import MAX_ID, ClaimedOut, ProfileOut, profile_out, when

UserId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="A user's id.")]
Before = Annotated[
    str | None, QueryParameter(max_length=40, description="The previous answer's next_before.")
]
AnyRequest = Request[Any, Any, Any]


@get("/api/v1/users/{user_id:int}", summary="A reader's public profile", tags=["accounts"])
async def profile_json(request: AnyRequest, user_id: UserId, before: Before = None) -> ProfileOut:
    return profile_out(await profiles.get_profile(ctx_of(request), user_id, profiles.parse_before(before)))


@get("/u/{user_id:int}", include_in_schema=False)
async def profile_page(
    request: AnyRequest, user_id: UserId, before: FromQuery[str | None] = None
) -> Template:
    profile = await profiles.get_profile(ctx_of(request), user_id, profiles.parse_before(before))
    return Template(
        template_name="profile.html",
        context={"profile": profile, "out": profile_out(profile), "when": when},
        headers=PAGE_HEADERS,
    )


@get("/avatars/{user_id:int}", include_in_schema=False)
async def avatar(request: AnyRequest, user_id: UserId) -> Response[str]:
    async with ctx_of(request).db.read() as tx:
        user = await tx.users.by_id(user_id)
    name = user.display_name if user else "?"
    return Response(
        avatar_svg(f"user:{user_id}", name),
        media_type="image/svg+xml",
        headers={"cache-control": "public, max-age=86400", "content-security-policy": "default-src 'none'"},
    )


@post("/api/v1/auth/claim", status_code=200, summary="Claim this device's guest comments", tags=["accounts"])
async def claim(request: AnyRequest) -> ClaimedOut:
    """Comments written as a guest on this device in the last 30 days move to the signed-in account."""
    viewer = await viewer_of(request)
    secret = runtime_of(request).settings.secret_key
    claimed = await profiles.do_claim_device_comments(
        ctx_of(request), viewer, device_key(secret, request_token(request))
    )
    return ClaimedOut(claimed)


@get("/api/v1/auth/export", summary="Download all my data", tags=["accounts"])
async def export(request: AnyRequest) -> Response[dict[str, object]]:
    """Account, comments (every state, with their Markdown) and votes, as JSON; times in Unix ms."""
    data = await profiles.export_my_data(ctx_of(request), await viewer_of(request))
    return Response(
        data,
        headers={
            "cache-control": "private, no-store",
            "content-disposition": 'attachment; filename="yoron-data.json"',
        },
    )


ROUTES = [profile_json, profile_page, avatar, claim, export]
