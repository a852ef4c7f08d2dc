"""A small OpenID Connect provider for tests: discovery, authorize, token, JWKS and userinfo.

Runs on 127.0.0.1 in a thread. id_tokens are RS256-signed with a key made at start-up; the
`next_login` dict lets a test choose who logs in and how the provider misbehaves.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "kotopolku-test"
CLIENT_SECRET = "test-client-secret"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class FakeProvider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.authorize_requests: list[dict[str, str]] = []
        self.next_login: dict[str, Any] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeProvider":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- what Kotopolku needs to know -------------------------------------------------
    def discovery(self) -> dict[str, Any]:
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
        }

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": self.kid,
                    "n": _b64(numbers.n),
                    "e": _b64(numbers.e),
                }
            ]
        }

    # -- the protocol ---------------------------------------------------------------------
    def authorize(self, params: dict[str, str]) -> str:
        self.authorize_requests.append(params)
        login = {"sub": "user-1", "email": "someone@example.fi", **self.next_login}
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"params": params, "login": login}
        query = {"code": code, "state": login.get("state_override", params["state"])}
        if login.get("error"):
            query = {"error": login["error"], "state": params["state"]}
        return f"{params['redirect_uri']}?{urlencode(query)}"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("client_id") != CLIENT_ID:
            return 400, {"error": "invalid_grant"}
        if form.get("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        params, login = grant["params"], grant["login"]
        if params.get("code_challenge"):
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if challenge != params["code_challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {
            "iss": login.get("iss", self.issuer),
            "sub": login["sub"],
            "aud": login.get("aud", CLIENT_ID),
            "iat": now,
            "exp": now + login.get("lifetime", 300),
            "nonce": login.get("nonce", params.get("nonce")),
        }
        key = self.other_key if login.get("bad_signature") else self.key
        id_token = jwt.encode(claims, _pem(key), algorithm="RS256", headers={"kid": self.kid})
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = login
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any]]:
        login = self.tokens.get(authorization.removeprefix("Bearer ").strip())
        if login is None:
            return 401, {"error": "invalid_token"}
        info = {"sub": login.get("userinfo_sub", login["sub"]), "email": login["email"]}
        info.update(login.get("extra_claims", {}))
        return 200, info

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    return self._json(200, provider.discovery())
                if url.path == "/jwks":
                    return self._json(200, provider.jwks())
                if url.path == "/userinfo":
                    return self._json(*provider.userinfo(self.headers.get("Authorization", "")))
                if url.path == "/authorize":
                    params = {k: v[0] for k, v in parse_qs(url.query).items()}
                    self.send_response(302)
                    self.send_header("Location", provider.authorize(params))
                    self.end_headers()
                    return None
                return self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path == "/token":
                    return self._json(*provider.token(form))
                return self._json(404, {"error": "not_found"})

        return Handler
