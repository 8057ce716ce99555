"""A stand-in for the Bot Framework's token signing: an OpenID metadata document and
its keys, served from a thread (botbuilder fetches them with blocking `requests`)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"


class SigningKeys:
    def __init__(self, kid: str = "test-key-1") -> None:
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, Any]:
        key = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**key, "kid": self.kid, "use": "sig", "endorsements": ["msteams"]}

    def token(
        self,
        *,
        audience: str,
        service_url: str | None,
        issuer: str = ISSUER,
        expires_in: int = 600,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """A signed token; `service_url=None` leaves the `serviceurl` claim out."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": issuer,
            "aud": audience,
            "nbf": now - 5,
            "exp": now + expires_in,
            "iat": now,
            **(extra or {}),
        }
        if service_url is not None:
            claims["serviceurl"] = service_url
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": self.kid})


@contextmanager
def openid_server(keys: SigningKeys) -> Iterator[str]:
    """Serve metadata and keys on a free port; yield the metadata URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/openid":
                body = {
                    "issuer": ISSUER,
                    "jwks_uri": f"{base}/keys",
                    "id_token_signing_alg_values_supported": ["RS256"],
                }
            elif self.path == "/keys":
                body = {"keys": [keys.jwk()]}
            else:
                self.send_error(404)
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/openid"
    finally:
        server.shutdown()
        server.server_close()
