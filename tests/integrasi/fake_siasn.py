"""A fake SIASN the tests start on loopback (127.0.0.1, a free port, a thread): the gateway's
and the SSO's token endpoints and the API calls the connector makes, following the contract
public client libraries describe. Scriptable: tokens that expire, 5xx answers, answers slower
than the client's timeout, validation errors (a 4xx with a message, or a 200 with
`success: false`); and it records every request it received."""

import base64
import email.parser
import email.policy
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

API = "/apisiasn/1.0"
GATEWAY_TOKEN_PATH = "/oauth2/token"
SSO_TOKEN_PATH = "/sso/token"

CREDENTIALS = {
    "LMS_SIASN_CLIENT_ID": "konsumen-uji",
    "LMS_SIASN_CLIENT_SECRET": "rahasia-gateway-8f3c1e",
    "LMS_SIASN_SSO_CLIENT_ID": "klien-sso-uji",
    "LMS_SIASN_SSO_USERNAME": "operator.bawaslu",
    "LMS_SIASN_SSO_PASSWORD": "sandi-operator-5d9a2b",
}


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    json: object = None
    form: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)  # name -> (filename, bytes)


@dataclass
class Scripted:
    """An answer to give instead of the normal one, `times` times, to calls whose path
    starts with `path`: a status and body, or a delay before the normal answer (`delay`),
    after which the normal processing still happens (SIASN saved it, the answer was late)."""

    path: str
    status: int = 0
    body: object = None
    delay: float = 0.0
    times: int = 1


class FakeSiasn:
    def __init__(self):
        self.received: list[Received] = []
        self.persons: dict[str, str] = {}  # nip -> pnsOrangId
        self.records: dict[str, list[dict]] = {}  # pnsOrangId -> course records
        self.uploads: list[dict] = []
        self.gateway_tokens: set[str] = set()
        self.sso_tokens: set[str] = set()
        self.token_requests = {"gateway": 0, "sso": 0}
        # Tokens stop working after this many API calls each (None: never).
        self.token_uses_left: dict[str, int] = {}
        self.token_life_calls: int | None = None
        self.script: list[Scripted] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # Lifecycle and addresses

    def start(self) -> "FakeSiasn":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def root(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def configure(self, settings, monkeypatch) -> None:
        """Point the connector's settings and credentials at this server."""
        settings.LMS_SIASN_BASE_URL = self.root + API
        settings.LMS_SIASN_GATEWAY_TOKEN_URL = self.root + GATEWAY_TOKEN_PATH
        settings.LMS_SIASN_SSO_TOKEN_URL = self.root + SSO_TOKEN_PATH
        for name, value in CREDENTIALS.items():
            monkeypatch.setenv(name, value)

    # Scripting

    def add_person(self, nip: str) -> str:
        person_id = f"A8ACA7A4{secrets.token_hex(12).upper()}"
        self.persons[nip] = person_id
        return person_id

    def answer(self, path: str, status: int, body=None, *, times: int = 1) -> None:
        self.script.append(Scripted(API + path, status=status, body=body, times=times))

    def delay(self, path: str, seconds: float, *, times: int = 1) -> None:
        self.script.append(Scripted(API + path, delay=seconds, times=times))

    def expire_tokens(self) -> None:
        """Every token given so far stops working (SIASN answers 401)."""
        with self._lock:
            self.gateway_tokens.clear()
            self.sso_tokens.clear()

    # What it received

    def calls(self, path: str, method: str | None = None) -> list[Received]:
        return [
            r
            for r in self.received
            if r.path.startswith(API + path) and (method is None or r.method == method)
        ]

    @property
    def saved(self) -> list[Received]:
        return self.calls("/kursus/save", "POST")

    # The handler

    def _scripted(self, path: str) -> Scripted | None:
        with self._lock:
            for item in self.script:
                if path.startswith(item.path) and item.times > 0:
                    item.times -= 1
                    return item
        return None

    def _issue(self, kind: str) -> dict:
        token = f"{kind}-{secrets.token_urlsafe(16)}"
        with self._lock:
            (self.gateway_tokens if kind == "gateway" else self.sso_tokens).add(token)
            self.token_requests[kind] += 1
            if self.token_life_calls is not None:
                self.token_uses_left[token] = self.token_life_calls
        return {"access_token": token, "expires_in": 3600 if kind == "gateway" else 43200}

    def _authorised(self, headers) -> bool:
        gateway = headers.get("Authorization", "")
        sso = headers.get("Auth", "")
        if not gateway.startswith("Bearer ") or not sso.startswith("bearer "):
            return False
        g, s = gateway[len("Bearer ") :], sso[len("bearer ") :]
        with self._lock:
            if g not in self.gateway_tokens or s not in self.sso_tokens:
                return False
            for token in (g, s):
                if token in self.token_uses_left:
                    if self.token_uses_left[token] <= 0:
                        self.gateway_tokens.discard(g)
                        self.sso_tokens.discard(s)
                        return False
                    self.token_uses_left[token] -= 1
        return True

    def _api(self, request: Received) -> tuple[int, object]:
        path = request.path[len(API) :]
        if request.method == "GET" and path.startswith("/pns/data-utama/"):
            nip = path.rsplit("/", 1)[-1]
            if nip not in self.persons:
                return 404, {"code": 0, "data": "Data tidak ditemukan"}
            return 200, {"code": 1, "data": {"id": self.persons[nip], "nipBaru": nip}}
        if request.method == "GET" and path.startswith("/pns/rw-kursus/"):
            nip = path.rsplit("/", 1)[-1]
            person = self.persons.get(nip)
            return 200, {"code": 1, "data": list(self.records.get(person, []))}
        if request.method == "POST" and path == "/kursus/save":
            body = request.json or {}
            person = body.get("pnsOrangId")
            if person not in self.persons.values():
                return 200, {"success": False, "message": "pnsOrangId tidak ditemukan"}
            record_id = f"rw-{next(self._ids)}"
            with self._lock:
                self.records.setdefault(person, []).append({"id": record_id, **body})
            return 200, {"success": True, "mapData": {"rwKursusId": record_id}, "message": "ok"}
        if request.method == "POST" and path == "/upload-dok-rw":
            known = {r["id"] for rows in self.records.values() for r in rows}
            if request.form.get("id_riwayat") not in known:
                return 400, {"success": False, "message": "id_riwayat tidak dikenal"}
            self.uploads.append({**request.form, "file": request.files.get("file")})
            return 200, {"success": True, "data": {"dok_uri": "peremajaan/x.pdf"}}
        return 404, {"message": "not found"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _read(self) -> Received:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = urlsplit(self.path).path
                request = Received(self.command, path, dict(self.headers.items()))
                kind = self.headers.get("Content-Type", "")
                if kind.startswith("application/json") and raw:
                    request.json = json.loads(raw)
                elif kind.startswith("application/x-www-form-urlencoded"):
                    request.form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                elif kind.startswith("multipart/form-data"):
                    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                        f"Content-Type: {kind}\r\n\r\n".encode() + raw
                    )
                    for part in message.iter_parts():
                        name = part.get_param("name", header="content-disposition")
                        filename = part.get_filename()
                        payload = part.get_payload(decode=True)
                        if filename:
                            request.files[name] = (filename, payload)
                        else:
                            request.form[name] = payload.decode()
                return request

            def _send(self, status: int, body) -> None:
                data = json.dumps(body).encode() if not isinstance(body, bytes) else body
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _token(self, request: Received) -> None:
                if request.path == GATEWAY_TOKEN_PATH:
                    expected = base64.b64encode(
                        f"{CREDENTIALS['LMS_SIASN_CLIENT_ID']}:"
                        f"{CREDENTIALS['LMS_SIASN_CLIENT_SECRET']}".encode()
                    ).decode()
                    ok = (
                        request.headers.get("Authorization") == f"Basic {expected}"
                        and request.form.get("grant_type") == "client_credentials"
                    )
                    kind = "gateway"
                else:
                    ok = request.form == {
                        "grant_type": "password",
                        "client_id": CREDENTIALS["LMS_SIASN_SSO_CLIENT_ID"],
                        "username": CREDENTIALS["LMS_SIASN_SSO_USERNAME"],
                        "password": CREDENTIALS["LMS_SIASN_SSO_PASSWORD"],
                    }
                    kind = "sso"
                if not ok:
                    # as a careless server might: what it refused, repeated back
                    self._send(
                        401,
                        {"error": "invalid_grant", "error_description": f"ditolak: {request.form}"},
                    )
                    return
                self._send(200, fake._issue(kind))

            def _handle(self):
                request = self._read()
                fake.received.append(request)
                if request.path in (GATEWAY_TOKEN_PATH, SSO_TOKEN_PATH):
                    self._token(request)
                    return
                if not fake._authorised(request.headers):
                    self._send(401, {"message": "Invalid Credentials"})
                    return
                scripted = fake._scripted(request.path)
                if scripted is not None and scripted.status:
                    self._send(scripted.status, scripted.body or {})
                    return
                status, body = fake._api(request)
                if scripted is not None and scripted.delay:
                    time.sleep(scripted.delay)
                self._send(status, body)

            do_GET = _handle
            do_POST = _handle

        return Handler
