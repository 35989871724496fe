"""The HTTP client of SIASN's contract, as public client libraries describe it (not verified
with BKN, so every address is a setting):

- two tokens: the API gateway's, by client credentials (HTTP Basic with the consumer key and
  secret), about an hour; and the SSO token of an operator account, by the password grant,
  about twelve hours. Every call carries both: `Authorization: Bearer <gateway>` and
  `Auth: bearer <sso>`;
- `GET /pns/data-utama/{nip}`: the person, whose `data.id` is SIASN's own id (pnsOrangId);
- `GET /pns/rw-kursus/{nip}`: the person's course records;
- `POST /kursus/save`: a course record (JSON); the answer carries its id (`mapData.rwKursusId`);
- `POST /upload-dok-rw`: a document attached to a record (multipart: `file`, `id_riwayat`,
  `id_ref_dokumen`).

Credentials are read from the environment at each token request and kept nowhere; tokens are
kept in this process's memory only, until shortly before they expire (see `_TokenStore`).
Every error message is masked: no credential or token can reach a log, the database or a
queue through it.
"""

import base64
import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

import requests
from django.conf import settings

CREDENTIAL_VARIABLES = (
    "LMS_SIASN_CLIENT_ID",
    "LMS_SIASN_CLIENT_SECRET",
    "LMS_SIASN_SSO_CLIENT_ID",
    "LMS_SIASN_SSO_USERNAME",
    "LMS_SIASN_SSO_PASSWORD",
)
EXCERPT_CHARS = 2000
# A token is dropped this long before SIASN says it expires (at most a tenth of its life):
# a call never starts with a token about to run out.
TOKEN_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class Exchange:
    """One call as the audit log keeps it: the answer's status and an excerpt of its body
    (masked), the parsed JSON body, how long it took."""

    status_code: int | None
    excerpt: str
    duration_ms: int
    body: Any = None


class SiasnError(Exception):
    """A call that did not succeed. `message` is for people (masked); `exchange` is the
    call's answer when there was one."""

    def __init__(self, message: str, *, exchange: Exchange | None = None):
        self.message = mask(message)
        self.exchange = exchange
        super().__init__(self.message)


class SiasnUnavailable(SiasnError):
    """Worth trying again later: a timeout, no connection, a 5xx, too many requests, or
    tokens SIASN would not accept or give."""


class SiasnRejected(SiasnError):
    """SIASN refused what was sent (a 4xx other than 401, or `success: false`): trying again
    unchanged would be refused again; a person must correct it."""


class SiasnLeaseLost(Exception):
    """The send no longer holds its record (it outlived its lease and another run took it):
    it must stop before its next call and write nothing more."""


class SiasnSaveUnconfirmed(SiasnUnavailable):
    """A save whose answer never came, or came without the new record's id: SIASN may hold
    the record, so the next attempt must look before it saves again."""


def _encodings(secret: str) -> set[str]:
    """`secret` as it may be echoed: plain, form- and URL-encoded, JSON-escaped."""
    return {
        secret,
        quote_plus(secret),
        quote(secret, safe=""),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }


def _secrets() -> list[str]:
    env = os.environ
    values = [env.get(name, "") for name in CREDENTIAL_VARIABLES]
    values += _tokens.values()
    forms = set()
    for value in values:
        if value and len(value) >= 4:
            forms |= _encodings(value)
    # The gateway's HTTP Basic header: base64 of "key:secret".
    key, secret = env.get("LMS_SIASN_CLIENT_ID", ""), env.get("LMS_SIASN_CLIENT_SECRET", "")
    if key and secret:
        forms.add(base64.b64encode(f"{key}:{secret}".encode()).decode())
    return sorted(forms, key=len, reverse=True)


def mask(text: str) -> str:
    """`text` with every credential and token this process knows replaced by ***."""
    for secret in _secrets():
        text = text.replace(secret, "***")
    return text


class _TokenStore:
    """The two tokens, in this process's memory, each until shortly before it expires.

    Not the database (a token is a credential), and not the shared cache either: in
    production that is Redis, which the web processes share and which may persist to disk,
    while only the worker that calls SIASN needs the tokens. The price is one token request
    per worker process and token lifetime: a handful an hour."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[str, float]] = {}

    def get(self, key: str) -> str | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[1] <= time.monotonic():
                self._entries.pop(key, None)
                return None
            return entry[0]

    def put(self, key: str, token: str, expires_in: float) -> None:
        life = max(0.0, expires_in - min(TOKEN_MARGIN_SECONDS, expires_in / 10))
        with self._lock:
            self._entries[key] = (token, time.monotonic() + life)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def values(self) -> list[str]:
        with self._lock:
            return [token for token, _ in self._entries.values()]


_tokens = _TokenStore()


def tokens_forget() -> None:
    """Drop the tokens this process holds (a test, or a change of credentials)."""
    _tokens.clear()


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


OAUTH_ERROR_CODE = re.compile(r"^[a-z_]{1,64}$")


def _oauth_error(body: Any) -> str:
    """The OAuth `error` code of a token endpoint's answer (invalid_grant...), if it is one:
    never its description or any other text, which may echo what was sent."""
    code = body.get("error") if isinstance(body, dict) else None
    return code if isinstance(code, str) and OAUTH_ERROR_CODE.match(code) else ""


def _message(body: Any, fallback: str) -> str:
    """SIASN's own message in an answer, whichever key it uses."""
    if isinstance(body, dict):
        for key in ("message", "error_description", "error", "errors", "data"):
            value = body.get(key)
            if value and isinstance(value, str | list | dict):
                return str(value)[:500]
    return fallback


class SiasnClient:
    """One instance per send; the tokens outlive it (in `_tokens`).

    `before_call`, if given, runs right before every call to SIASN (the send renews its
    lease there, and stops with SiasnLeaseLost if it lost it). Each call is bounded as a
    whole: requests' read timeout is per read, so the answer is read in chunks against a
    deadline of connect + read timeout, and a trickling answer is a timeout too."""

    def __init__(self, *, before_call: Callable[[], None] | None = None):
        self.base_url = settings.LMS_SIASN_BASE_URL.rstrip("/")
        self.timeout = (settings.LMS_SIASN_CONNECT_TIMEOUT, settings.LMS_SIASN_READ_TIMEOUT)
        self.deadline_seconds = settings.LMS_SIASN_CONNECT_TIMEOUT + settings.LMS_SIASN_READ_TIMEOUT
        self.before_call = before_call
        self.session = requests.Session()
        self.session.trust_env = settings.LMS_SIASN_TRUST_ENV

    # Tokens

    def _token(self, kind: str, *, fresh: bool = False) -> str:
        if kind == "gateway":
            url = settings.LMS_SIASN_GATEWAY_TOKEN_URL
            key = f"gateway:{url}:{os.environ.get('LMS_SIASN_CLIENT_ID', '')}"
        else:
            url = settings.LMS_SIASN_SSO_TOKEN_URL
            key = f"sso:{url}:{os.environ.get('LMS_SIASN_SSO_USERNAME', '')}"
        if not fresh:
            token = _tokens.get(key)
            if token:
                return token
        token, expires_in = self._token_request(kind, url)
        _tokens.put(key, token, expires_in)
        return token

    def _token_request(self, kind: str, url: str) -> tuple[str, float]:
        env = os.environ
        if kind == "gateway":
            needed = ("LMS_SIASN_CLIENT_ID", "LMS_SIASN_CLIENT_SECRET")
            data = {"grant_type": "client_credentials"}
            auth = (env.get(needed[0], ""), env.get(needed[1], ""))
            label = "token gateway"
        else:
            needed = ("LMS_SIASN_SSO_CLIENT_ID", "LMS_SIASN_SSO_USERNAME", "LMS_SIASN_SSO_PASSWORD")
            data = {
                "grant_type": "password",
                "client_id": env.get(needed[0], ""),
                "username": env.get(needed[1], ""),
                "password": env.get(needed[2], ""),
            }
            auth = None
            label = "token SSO"
        missing = [name for name in needed if not env.get(name)]
        if missing:
            raise SiasnUnavailable(
                f"Kredensial SIASN belum diatur di server ({', '.join(missing)})."
            )
        if self.before_call is not None:
            self.before_call()
        try:
            response = self.session.post(
                url,
                data=data,
                auth=auth,
                timeout=self.timeout,
                headers={"Accept": "application/json"},
            )
        except requests.RequestException as exc:
            raise SiasnUnavailable(f"Tidak dapat meminta {label}: {type(exc).__name__}") from None
        body = _json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code != 200 or not token:
            # Only the status and the OAuth error code: a token endpoint's text may echo
            # the credentials it was sent, in any encoding.
            code = _oauth_error(body)
            raise SiasnUnavailable(
                f"SIASN tidak memberi {label} (kode {response.status_code}"
                + (f", {code})." if code else ").")
            )
        try:
            expires_in = float(body.get("expires_in") or 300)
        except (TypeError, ValueError):
            expires_in = 300.0
        return str(token), expires_in

    def _headers(self, *, fresh: bool = False) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._token('gateway', fresh=fresh)}",
            "Auth": f"bearer {self._token('sso', fresh=fresh)}",
            "Accept": "application/json",
        }

    # Calls

    def _call(self, method: str, path: str, **kwargs) -> Exchange:
        """One call with both tokens; on 401, once more with fresh tokens. Raises
        SiasnUnavailable or SiasnRejected; returns the Exchange of a 2xx answer."""
        url = f"{self.base_url}{path}"
        for fresh in (False, True):
            headers = self._headers(fresh=fresh)
            if self.before_call is not None:
                self.before_call()
            started = time.monotonic()
            try:
                response = self.session.request(
                    method, url, headers=headers, timeout=self.timeout, stream=True, **kwargs
                )
                content = self._read(response, started)
            except requests.Timeout:
                raise SiasnUnavailable(
                    "SIASN tidak menjawab dalam batas waktu.",
                    exchange=Exchange(None, "", _ms(started)),
                ) from None
            except requests.RequestException as exc:
                raise SiasnUnavailable(
                    f"Tidak dapat terhubung ke SIASN ({type(exc).__name__}).",
                    exchange=Exchange(None, "", _ms(started)),
                ) from None
            body = _parse(content)
            excerpt = mask(content[:EXCERPT_CHARS].decode("utf-8", errors="replace"))
            exchange = Exchange(response.status_code, excerpt, _ms(started), body)
            if response.status_code != 401:
                break
        code = response.status_code
        if code == 401:
            raise SiasnUnavailable(
                "SIASN menolak token akses walau sudah diperbarui; periksa kredensial.",
                exchange=exchange,
            )
        if code >= 500 or code in (408, 429):
            raise SiasnUnavailable(
                f"SIASN sedang bermasalah (kode {code}): " + _message(body, "tanpa keterangan"),
                exchange=exchange,
            )
        if code >= 400:
            raise SiasnRejected(
                f"Ditolak SIASN (kode {code}): " + _message(body, "tanpa keterangan"),
                exchange=exchange,
            )
        if isinstance(body, dict) and body.get("success") is False:
            raise SiasnRejected(
                "Ditolak SIASN: " + _message(body, "tanpa keterangan"), exchange=exchange
            )
        return exchange

    def _read(self, response: requests.Response, started: float) -> bytes:
        """The answer's body, read before the call's deadline (requests.Timeout after it)."""
        deadline = started + self.deadline_seconds
        chunks = []
        try:
            for chunk in response.iter_content(chunk_size=8192):
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise requests.Timeout("SIASN answer not read before the deadline")
        finally:
            response.close()
        return b"".join(chunks)

    def person_get(self, nip: str) -> tuple[str, Exchange]:
        """SIASN's own id of the person with `nip` (pnsOrangId)."""
        exchange = self._call("GET", f"/pns/data-utama/{nip}")
        data = exchange.body.get("data") if isinstance(exchange.body, dict) else None
        person_id = data.get("id") if isinstance(data, dict) else None
        if not person_id:
            raise SiasnRejected(f"NIP {nip} tidak ditemukan di SIASN.", exchange=exchange)
        return str(person_id), exchange

    def course_records(self, nip: str) -> tuple[list[dict], Exchange]:
        """The person's course records in SIASN."""
        exchange = self._call("GET", f"/pns/rw-kursus/{nip}")
        data = exchange.body.get("data") if isinstance(exchange.body, dict) else None
        return [row for row in data or () if isinstance(row, dict)], exchange

    def course_save(self, fields: dict) -> tuple[str, Exchange]:
        """Save a course record; its id in SIASN. A timeout or a dropped connection leaves it
        unknown whether SIASN saved it: SiasnSaveUnconfirmed."""
        try:
            exchange = self._call("POST", "/kursus/save", json=fields)
        except SiasnUnavailable as exc:
            if exc.exchange is not None and exc.exchange.status_code is None:
                raise SiasnSaveUnconfirmed(exc.message, exchange=exc.exchange) from None
            raise
        body = exchange.body if isinstance(exchange.body, dict) else {}
        map_data = body.get("mapData") if isinstance(body.get("mapData"), dict) else {}
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        record_id = map_data.get("rwKursusId") or data.get("id")
        if not record_id:
            raise SiasnSaveUnconfirmed("SIASN menjawab tanpa ID riwayat kursus.", exchange=exchange)
        return str(record_id), exchange

    def document_upload(self, *, record_id: str, filename: str, content: bytes) -> Exchange:
        """Attach `content` (the signed certificate PDF) to the record `record_id`."""
        return self._call(
            "POST",
            "/upload-dok-rw",
            data={
                "id_riwayat": record_id,
                "id_ref_dokumen": str(settings.LMS_SIASN_DOCUMENT_REF_ID),
            },
            files={"file": (filename, content, "application/pdf")},
        )


def _parse(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
