"""OpenID Connect providers on loopback for the tests.

``running_mock_provider`` runs the ``oidc-provider-mock`` package (a real provider built on
authlib: discovery, authorization page, token endpoint, JWKS) in a subprocess. ``Impostor`` is a
small provider of our own, in a thread, whose token endpoint signs whatever claims a test sets
(another issuer or audience, a stale nonce, an expired token) or signs with a key it does not
publish: what a broken or hostile provider would send.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.servers import free_port, wait_for

MOCK_USERS = [
    {"sub": "alice", "name": "Alice Example", "email": "alice@example.org", "email_verified": True},
    {"sub": "alice-twin", "name": "Alice Example", "email": "twin@example.org", "email_verified": False},
]


@contextmanager
def running_mock_provider() -> Iterator[str]:
    """Serve oidc-provider-mock with the users of ``MOCK_USERS``; yield its issuer URL."""
    port = free_port()
    command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for user in MOCK_USERS:
        command += ["--user-claims", json.dumps(user)]
    provider = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{issuer}/.well-known/openid-configuration", seconds=30)
        yield issuer
    finally:
        os.killpg(provider.pid, signal.SIGTERM)
        provider.wait(timeout=20)


class Impostor:
    """A provider that answers every code with an ID token made of ``claims`` (set by the test)."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "impostor"})
        self.signing_key = self.key
        self.claims: dict[str, Any] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Impostor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def valid_claims(self, client_id: str, nonce: str) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": self.issuer,
            "aud": client_id,
            "sub": "mallory",
            "nonce": nonce,
            "iat": now,
            "exp": now + 300,
        }

    def _id_token(self) -> str:
        return jwt.encode({"alg": "RS256", "kid": "impostor"}, self.claims, self.signing_key)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        impostor = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    self._json(
                        {
                            "issuer": impostor.issuer,
                            "authorization_endpoint": f"{impostor.issuer}/authorize",
                            "token_endpoint": f"{impostor.issuer}/token",
                            "jwks_uri": f"{impostor.issuer}/jwks",
                            "response_types_supported": ["code"],
                            "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                        }
                    )
                elif self.path == "/jwks":
                    self._json({"keys": [impostor.key.as_dict(private=False)]})
                else:
                    self.send_error(404)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                if self.path != "/token":
                    self.send_error(404)
                    return
                self._json(
                    {
                        "access_token": "impostor-access",
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": impostor._id_token(),
                    }
                )

            def _json(self, document: dict[str, Any]) -> None:
                body = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
