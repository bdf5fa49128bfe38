"""A local Supabase Storage speaking its REST wire format, for contract tests through supabase-py's storage3.

``FakeStorage`` is a real HTTP server on 127.0.0.1 (ephemeral port) holding buckets and objects in memory and
answering what storage3 2.x sends, under /storage/v1:

  GET  /bucket/{id}                      the bucket; 404 "Bucket not found"
  POST /bucket                           {"id", "name", "public"} -> {"name"}; 409 Duplicate
  POST /object/{bucket}/{path}           multipart "file" upload; 409 Duplicate unless x-upsert: true
  PUT  /object/{bucket}/{path}           multipart update of an existing object
  GET  /object/{bucket}/{path}           the bytes;            HEAD: the headers only
  GET  /object/info/{bucket}/{path}      the object's info;    404 "not_found" when it isn't there
  POST /object/sign/{bucket}/{path}      {"expiresIn"} -> {"signedURL": "/object/sign/{bucket}/{path}?token=…"}
  GET  /object/sign/{bucket}/{path}?token=…   the bytes, for a browser with no key at all

Every other request carries the project key as ``apikey`` and a JWT as the bearer, and the fake applies what
the bucket's storage policies say (sql/supabase/storage_policies.sql): ``service_role`` bypasses them; an
``authenticated`` token reads and writes only under its own ``sub`` folder; ``anon`` reaches nothing (private
bucket). Objects a token may not read are "not found", as RLS makes them; writes outside the folder are 403.

Errors come as ``{"statusCode": "404", "error": "not_found", "message": "Object not found"}`` with that HTTP
status, or, with ``legacy_status=True``, with HTTP 400 as older Storage servers answered. ``outage`` answers
every request with a gateway's HTML page of that status; ``passing_outage`` answers the next requests with those
statuses, one each, then recovers; ``hang_up`` closes each connection unanswered; ``lost_upload_answers`` stores
that many uploads and hangs up instead of answering (the answer lost on the way back); ``racing_writer`` has
another worker store the same object just before each upload lands.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlsplit

import jwt

from tests.fake_apis import LocalServer

PREFIX = "/storage/v1"
SIGNING_SECRET = "the fake storage's own signing secret, 32+ bytes long"


def fake_jwt(claims: dict) -> str:
    """A JWT-shaped token (header.payload.signature) whose signature is not checked."""
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.{part({'sig': 'fake'})}"


SERVICE_KEY = fake_jwt({"iss": "supabase-demo", "role": "service_role", "exp": 1983812996})
ANON_KEY = fake_jwt({"iss": "supabase-demo", "role": "anon", "exp": 1983812996})


def user_token(user_id: object) -> str:
    return fake_jwt({"aud": "authenticated", "role": "authenticated", "sub": str(user_id), "exp": 1983812996})


@dataclass
class Seen:
    method: str
    path: str  # under /storage/v1
    query: dict
    headers: dict  # lower-case names
    body: bytes


@dataclass
class Stored:
    data: bytes
    content_type: str
    cache_control: str
    created_at: str


class Refusal(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


NOT_FOUND = (404, "not_found", "Object not found")
NO_BUCKET = (404, "Bucket not found", "Bucket not found")
DUPLICATE = (409, "Duplicate", "The resource already exists")
RLS = (403, "Unauthorized", "new row violates row-level security policy")


class FakeStorage(LocalServer):
    """Supabase Storage's object and bucket API over in-memory buckets, enforcing owner folders by JWT."""

    def __init__(self, *, legacy_status: bool = False) -> None:
        self.legacy_status = legacy_status
        self.buckets: dict[str, dict] = {}
        self.objects: dict[tuple[str, str], Stored] = {}
        self.requests: list[Seen] = []
        self.outage: int | None = None
        self.passing_outage: list[int] = []
        self.hang_up = False
        self.lost_upload_answers = 0
        self.racing_writer = False
        super().__init__()

    def add_bucket(self, bucket: str, public: bool = False) -> None:
        now = _now()
        self.buckets[bucket] = {"id": bucket, "name": bucket, "owner": "", "public": public, "created_at": now,
                                "updated_at": now, "file_size_limit": None, "allowed_mime_types": None}

    def sent(self, method: str, under: str = "") -> list[Seen]:
        """The requests of one method whose path starts with `under` (below /storage/v1)."""
        return [seen for seen in self.requests if seen.method == method and seen.path.startswith(under)]

    # --- Storage behaviour --------------------------------------------------------------------------

    def answer(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.method == "GET" and seen.path.startswith("/object/sign/"):
            return self.serve_signed(seen)
        role, sub = self.caller(seen)
        route = seen.path.split("/")[1:]
        if route[0] == "bucket":
            return self.bucket_route(seen, role, route[1:])
        kind = route[1] if len(route) > 1 and route[1] in ("info", "sign") else ""
        bucket, name = (route[2], "/".join(route[3:])) if kind else (route[1], "/".join(route[2:]))
        if bucket not in self.buckets:
            raise Refusal(*NO_BUCKET)
        if seen.method in ("POST", "PUT") and not kind:
            return self.upload(seen, role, sub, bucket, name)
        found = self.readable(role, sub, bucket, name)
        if kind == "info":
            return _json(200, {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{bucket}/{name}")), "name": name,
                               "bucket_id": bucket, "size": len(found.data), "content_type": found.content_type,
                               "cache_control": found.cache_control, "created_at": found.created_at})
        if kind == "sign":
            expires = int((json.loads(seen.body or b"{}")).get("expiresIn", 60))
            token = jwt.encode({"url": f"{bucket}/{name}", "iat": int(time.time()),
                                "exp": int(time.time()) + expires}, SIGNING_SECRET, algorithm="HS256")
            return _json(200, {"signedURL": f"/object/sign/{bucket}/{name}?token={token}"})
        return 200, {"content-type": found.content_type, "cache-control": f"max-age={found.cache_control}"}, found.data

    def caller(self, seen: Seen) -> tuple[str, str]:
        """The role and subject of the request's bearer JWT (its signature is trusted: this is a fake)."""
        bearer = seen.headers.get("authorization", "").removeprefix("Bearer ")
        if not seen.headers.get("apikey") or bearer.count(".") != 2:
            raise Refusal(400, "InvalidJWT", "Invalid Compact JWS")
        payload = bearer.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return claims.get("role", "anon"), claims.get("sub", "")

    def readable(self, role: str, sub: str, bucket: str, name: str) -> Stored:
        found = self.objects.get((bucket, name))
        if found is None or not _allowed(role, sub, name):
            raise Refusal(*NOT_FOUND)  # RLS hides what isn't yours: it is simply not there
        return found

    def upload(self, seen: Seen, role: str, sub: str, bucket: str, name: str) -> tuple[int, dict, bytes]:
        if not _allowed(role, sub, name):
            raise Refusal(*RLS)
        headers, data = _form(seen.body, seen.headers["content-type"])["file"]
        cache_control = _form(seen.body, seen.headers["content-type"]).get("cacheControl", ({}, b"3600"))[1]
        if self.racing_writer and seen.method == "POST":
            self.objects.setdefault((bucket, name), Stored(data, headers.get("content-type", ""), "3600", _now()))
        exists = (bucket, name) in self.objects
        if seen.method == "POST" and exists and seen.headers.get("x-upsert") != "true":
            raise Refusal(*DUPLICATE)
        if seen.method == "PUT" and not exists:
            raise Refusal(*NOT_FOUND)
        self.objects[(bucket, name)] = Stored(data, headers.get("content-type", "application/octet-stream"),
                                              cache_control.decode(), _now())
        return _json(200, {"Id": str(uuid.uuid4()), "Key": f"{bucket}/{name}"})

    def bucket_route(self, seen: Seen, role: str, route: list[str]) -> tuple[int, dict, bytes]:
        if role != "service_role":  # storage.buckets is the service's: a user token sees and makes none
            raise Refusal(*(RLS if seen.method == "POST" else NO_BUCKET))
        if seen.method == "GET" and route and route[0] in self.buckets:
            return _json(200, self.buckets[route[0]])
        if seen.method == "POST" and not route:
            asked = json.loads(seen.body)
            if asked["id"] in self.buckets:
                raise Refusal(*DUPLICATE)
            self.add_bucket(asked["id"], bool(asked.get("public", False)))
            return _json(200, {"name": asked["id"]})
        raise Refusal(*NO_BUCKET)

    def serve_signed(self, seen: Seen) -> tuple[int, dict, bytes]:
        """A signed URL as a browser fetches it: no key, only the token, which names one object until it expires."""
        _, _, bucket, *rest = seen.path.split("/")[1:]
        try:
            claims = jwt.decode(seen.query.get("token", [""])[0], SIGNING_SECRET, algorithms=["HS256"])
        except jwt.PyJWTError as exc:
            raise Refusal(400, "InvalidJWT", str(exc)) from None
        if claims.get("url") != f"{bucket}/{'/'.join(rest)}":
            raise Refusal(400, "InvalidSignature", "The url do not match the signature")
        found = self.objects.get((bucket, "/".join(rest)))
        if found is None:
            raise Refusal(*NOT_FOUND)
        return 200, {"content-type": found.content_type}, found.data

    # --- HTTP ---------------------------------------------------------------------------------------

    def respond(self, seen: Seen) -> tuple[int, dict, bytes]:
        if self.outage or self.passing_outage:
            status = self.outage or self.passing_outage.pop(0)
            return status, {"content-type": "text/html"}, f"<html><body>{status} Bad Gateway</body></html>".encode()
        try:
            return self.answer(seen)
        except Refusal as refused:
            body = {"statusCode": str(refused.status), "error": refused.error, "message": refused.message}
            return _json(400 if self.legacy_status else refused.status, body)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                parts = urlsplit(self.path)
                if api.hang_up:
                    self.close_connection = True
                    return
                seen = Seen(self.command, unquote(parts.path).removeprefix(PREFIX), parse_qs(parts.query),
                            {key.lower(): value for key, value in self.headers.items()}, raw)
                with api._lock:
                    api.requests.append(seen)
                    status, headers, body = api.respond(seen)
                    lost = api.lost_upload_answers > 0 and seen.method == "POST" and status == 200 and \
                        seen.path.startswith("/object/") and not seen.path.startswith(("/object/sign/",
                                                                                       "/object/info/"))
                    api.lost_upload_answers -= lost
                if lost:
                    self.close_connection = True
                    return
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = handle_one

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _allowed(role: str, sub: str, name: str) -> bool:
    """The bucket's policies: `(storage.foldername(name))[1] = auth.uid()::text`, bypassed by the service role."""
    return role == "service_role" or (role == "authenticated" and bool(sub) and name.split("/")[0] == sub)


def _form(body: bytes, content_type: str) -> dict[str, tuple[dict, bytes]]:
    """A multipart/form-data body as {field name: (part headers, value bytes)}."""
    boundary = re.search(r'boundary="?([^";]+)"?', content_type)[1].encode()
    fields = {}
    for part in body.split(b"--" + boundary)[1:-1]:
        head, _, value = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in head.decode().split("\r\n"))}
        fields[re.search(r'name="([^"]*)"', headers["content-disposition"])[1]] = (headers, value.removesuffix(b"\r\n"))
    return fields


def _json(status: int, body: object) -> tuple[int, dict, bytes]:
    return status, {"content-type": "application/json"}, json.dumps(body).encode()


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
