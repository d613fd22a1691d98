"""The widget's sign-in window: once the reader is signed in, hand the session to the widget.

The widget opens ``/auth/signin?site=...&popup=1&origin=<its page's origin>``; every way of
signing in there (password, sign-up then sign-in, OpenID Connect) ends on ``/auth/popup``, whose
script posts the session token to the opening page with ``postMessage``, addressed to that
origin only, and closes the window. The origin must be one of the site's own.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.params import FromQuery
from litestar.response import Redirect

from yoron.domain.errors import DomainError
from yoron.services import accounts
from yoron.web.identity import session_token
from yoron.web.pages_auth import POPUP_PATH, auth_page
from yoron.web.runtime import ctx_of

AnyRequest = Request[Any, Any, Any]


@get(POPUP_PATH, include_in_schema=False)
async def popup_page(
    request: AnyRequest, site: FromQuery[str] = "", origin: FromQuery[str] = ""
) -> Response[Any]:
    token = session_token(request)
    try:
        user = await accounts.access_session_for_origin(ctx_of(request), site, origin, token)
    except DomainError as error:
        return auth_page("Sign-in did not work", "failed", error=error)
    if user is None or token is None:
        return Redirect(
            f"/auth/signin?{urlencode({'site': site, 'popup': 1, 'origin': origin})}", status_code=303
        )
    return auth_page("Signed in", "popup", user=user, token=token, origin=origin)


ROUTES = [popup_page]
