"""A small OpenID Connect provider for the SSO tests, on loopback in a thread.

It serves discovery, /authorize (redirects straight back with a code: the person is whoever
`identity` says), /token (checks the client secret and the PKCE verifier, answers an access
token and an ID token signed RS256 with a key it makes at start), /userinfo and /jwks. Tests
script the claims (email, email_verified, nip, amr, acr) and read what it issued and saw."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

# Claims that belong to the ID token only.
ID_TOKEN_ONLY = ("amr", "acr")


class FakeOidcProvider:
    def __init__(self, *, client_id: str, client_secret: str):
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "fake-" + secrets.token_hex(4)
        # The next person to sign in; tests set it.
        self.identity: dict = {"sub": "subject-1"}
        # Userinfo's answer overrides (e.g. another `sub`), on top of `identity`.
        self.userinfo_overrides: dict = {}
        self.token_status = 200
        self.issued: list[str] = []  # every access, refresh and ID token handed out
        self.token_requests: list[dict] = []
        self.authorize_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._access_tokens: dict[str, dict] = {}
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeOidcProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider._get(self)

            def do_POST(self):
                provider._post(self)

            def log_message(self, format, *args):  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def issuer(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- endpoints -------------------------------------------------------------------------
    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            return self._json(handler, 200, self.discovery())
        if url.path == "/jwks":
            return self._json(handler, 200, self.jwks())
        if url.path == "/authorize":
            return self._authorize(handler, query)
        if url.path == "/userinfo":
            return self._userinfo(handler)
        return self._json(handler, 404, {"error": "not_found"})

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        if urlsplit(handler.path).path != "/token":
            return self._json(handler, 404, {"error": "not_found"})
        length = int(handler.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        self.token_requests.append(form)
        return self._token(handler, form)

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def jwks(self) -> dict:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def _authorize(self, handler, query: dict) -> None:
        self.authorize_requests.append(query)
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return self._json(handler, 400, {"error": "invalid_request"})
        if "openid" not in query.get("scope", "").split():
            return self._json(handler, 400, {"error": "invalid_scope"})
        code = secrets.token_urlsafe(24)
        self._codes[code] = {
            "identity": dict(self.identity),
            "redirect_uri": query["redirect_uri"],
            "code_challenge": query.get("code_challenge"),
            "code_challenge_method": query.get("code_challenge_method"),
        }
        params = urlencode({"code": code, "state": query.get("state", "")})
        handler.send_response(302)
        handler.send_header("Location", f"{query['redirect_uri']}?{params}")
        handler.end_headers()

    def _client_authenticated(self, handler, form: dict) -> bool:
        header = handler.headers.get("Authorization", "")
        if header.startswith("Basic "):
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            client_id, secret = form.get("client_id"), form.get("client_secret")
        return client_id == self.client_id and secret == self.client_secret

    def _token(self, handler, form: dict) -> None:
        if self.token_status != 200:
            return self._json(handler, self.token_status, {"error": "server_error"})
        if not self._client_authenticated(handler, form):
            return self._json(handler, 401, {"error": "invalid_client"})
        grant = self._codes.pop(form.get("code", ""), None)
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant["redirect_uri"] != form.get("redirect_uri")
        ):
            return self._json(handler, 400, {"error": "invalid_grant"})
        # PKCE (RFC 7636), S256 only.
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if grant["code_challenge_method"] != "S256" or challenge != grant["code_challenge"]:
            return self._json(handler, 400, {"error": "invalid_grant", "pkce": "failed"})
        identity = grant["identity"]
        now = int(time.time())
        claims = {k: v for k, v in identity.items() if v is not None}
        id_token = jwt.encode(
            {
                **claims,
                "iss": self.issuer,
                "aud": self.client_id,
                "iat": now,
                "exp": now + 300,
                "jti": secrets.token_hex(8),
            },
            self.key,
            algorithm="RS256",
            headers={"kid": self.kid},
        )
        access_token = "at-" + secrets.token_urlsafe(24)
        refresh_token = "rt-" + secrets.token_urlsafe(24)
        self._access_tokens[access_token] = identity
        self.issued += [access_token, refresh_token, id_token]
        return self._json(
            handler,
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "refresh_token": refresh_token,
                "id_token": id_token,
            },
        )

    def _userinfo(self, handler) -> None:
        header = handler.headers.get("Authorization", "")
        identity = self._access_tokens.get(header.removeprefix("Bearer "))
        if identity is None:
            return self._json(handler, 401, {"error": "invalid_token"})
        claims = {k: v for k, v in identity.items() if v is not None and k not in ID_TOKEN_ONLY}
        return self._json(handler, 200, {**claims, **self.userinfo_overrides})

    @staticmethod
    def _json(handler, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
