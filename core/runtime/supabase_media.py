"""Media in Supabase Storage, so a worker on another machine stores frames and clips the studio can read.

A private bucket (AIUTEUR_MEDIA_BUCKET, "aiuteur-media"), each owner's objects at `{owner_id}/{sha256.ext}`,
written and read with the service_role key through supabase-py's storage client (storage3). The bucket's
policies (sql/supabase/storage_policies.sql) keep any client holding a user's own token to that user's folder;
the studio keeps users apart by only ever addressing the signed-in user's folder. Browsers get signed URLs.

What storage3 2.x sends (the contract tests' fake answers the same):
    upload    POST /storage/v1/object/{bucket}/{owner}/{key}       multipart "file", x-upsert: false
    download  GET  /storage/v1/object/{bucket}/{owner}/{key}
    exists    GET  /storage/v1/object/info/{bucket}/{owner}/{key}  404 "not_found" when it isn't there
    sign      POST /storage/v1/object/sign/{bucket}/{owner}/{key}  {"expiresIn": "3600"} -> {"signedURL": ...}
    bucket    GET  /storage/v1/bucket/{bucket}, POST /storage/v1/bucket {"id", "name", "public": false}

Reads go through a local cache (the data folder's media-cache, one folder per owner): a key names its bytes
forever, so a cached file never goes stale and each worker downloads a frame once.

A dropped connection, a timeout, a 5xx or a 429 is tried again (RETRY: 3 tries, 0.5 s then 1 s apart) before it
is a ServiceUnavailable, so a frame a model was paid to draw isn't lost to one hiccup on the way to the bucket.
Every call is safe to repeat: an upload whose answer was lost finds its object there (409, content-addressed, so
it is ours); reads and signing change nothing. A refusal (a bad key, a missing bucket or object) fails at once.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import httpx
from storage3.exceptions import StorageApiError
from storage3.utils import StorageException

from core.errors import InputRejected, NotFound, ServiceUnavailable
from core.providers.retrying import RetryPolicy
from core.runtime.media import LocalMediaStore, Owner, check_media_key, content_type, is_media_key, media_key
from core.runtime.settings import HIDDEN, redact

DEFAULT_BUCKET = "aiuteur-media"
CACHE_CONTROL = "31536000"  # a year: an object's bytes never change under its key
RETRY = RetryPolicy(attempts=3, first_delay=0.5, max_delay=4.0)
KEY_HINT = ("Set SUPABASE_SERVICE_KEY to the project's service_role key (Project Settings → API): the anon key "
            "can't write the private media bucket.")


class SupabaseMediaStore:
    """The MediaStore protocol over a private Supabase Storage bucket, one folder per owner."""

    def __init__(self, url: str, service_key: str, bucket: str = DEFAULT_BUCKET, *, cache_dir: Path,
                 url_seconds: int = 3600, timeout_seconds: float = 60.0, retry: RetryPolicy = RETRY,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.project_url = url.rstrip("/")
        self.bucket = bucket
        self.cache_dir = cache_dir
        self.url_seconds = url_seconds
        self.timeout_seconds = timeout_seconds
        self.retry, self._sleep = retry, sleep
        self._service_key = service_key
        self._client = None
        self._lock = threading.Lock()
        self._stored: set[str] = set()  # objects seen stored; content-addressed objects are never rewritten
        self._signed: dict[str, tuple[str, float]] = {}  # object -> (signed URL, hand it out until)

    def __repr__(self) -> str:
        return f"SupabaseMediaStore({self.project_url!r}, bucket={self.bucket!r}, key={HIDDEN})"

    def put(self, data: bytes, suffix: str, owner: Owner = None) -> str:
        """Upload bytes to the owner's folder unless stored already (another worker's identical upload is fine)."""
        key = media_key(data, suffix)
        name = _object(key, owner)
        if not self.exists(key, owner):
            self._upload(name, key, data)
        self._stored.add(name)
        self._cache(owner).keep(key, data)
        return key

    def get(self, key: str, owner: Owner = None) -> bytes:
        return self.path(key, owner).read_bytes()

    def path(self, key: str, owner: Owner = None) -> Path:
        """The cached file of the owner's media, downloaded first if this machine hasn't got it."""
        name = _object(check_media_key(key), owner)
        cache = self._cache(owner)
        local = cache.path(key)
        if not local.exists():
            data = self._call(lambda bucket: bucket.download(name))
            try:
                cache.keep(key, data)
            except ValueError:
                raise ServiceUnavailable(f"Supabase Storage sent bytes that are not the media {key[:12]}…",
                                         "Try again; the stored object may be damaged.") from None
        return local

    def exists(self, key: str, owner: Owner = None) -> bool:
        """Whether the owner's folder holds the key; a string that isn't a key names nothing stored."""
        if not is_media_key(key):
            return False
        name = _object(key, owner)
        if name not in self._stored:
            try:
                self._call(lambda bucket: bucket.info(name))
            except NotFound:
                return False
            self._stored.add(name)
        return True

    def url(self, key: str, owner: Owner = None) -> str:
        """A signed URL of the owner's media, valid `url_seconds`; NotFound when the owner has no such media."""
        name = _object(check_media_key(key), owner)
        now = time.monotonic()
        with self._lock:
            signed, until = self._signed.get(name, ("", 0.0))
        if now < until:
            return signed
        signed = self._call(lambda bucket: bucket.create_signed_url(name, self.url_seconds))["signedURL"]
        with self._lock:  # reused while at least half its life is left, so a rerun doesn't sign every picture again
            self._signed[name] = (signed, now + self.url_seconds / 2)
        return signed

    def for_browser(self, key: str, owner: Owner = None) -> str:
        return self.url(key, owner)

    def ensure_bucket(self) -> None:
        """Make the private bucket if it is missing; ServiceUnavailable if it is public (anyone could read it)."""
        try:
            found = self._guarded(lambda: self._storage().get_bucket(self.bucket))
        except _NoBucket:
            try:
                self._guarded(lambda: self._storage().create_bucket(self.bucket, options={"public": False}))
            except _Duplicate:
                pass  # a worker starting beside us made it first
            return
        if found.public:
            raise ServiceUnavailable(f"The Supabase Storage bucket {self.bucket!r} is public: anyone with a link "
                                     "could watch every creator's frames and clips.",
                                     "Make the bucket private (Storage → the bucket → Edit), or name another "
                                     "bucket in AIUTEUR_MEDIA_BUCKET.")

    # --- the wire -------------------------------------------------------------------------------------

    def _upload(self, name: str, key: str, data: bytes) -> None:
        options = {"content-type": content_type(key), "cache-control": CACHE_CONTROL}
        try:
            self._call(lambda bucket: bucket.upload(name, data, options))
        except _Duplicate:
            pass  # another worker stored the same bytes first: content-addressed, so it is ours too

    def _call(self, action: Callable):
        """Run `action` on the bucket, its failures turned into the studio's errors."""
        return self._guarded(lambda: action(self._storage().from_(self.bucket)))

    def _guarded(self, action: Callable):
        """`action`, tried again after a passing failure (RETRY); its last failure in the studio's words."""
        for attempt in range(1, self.retry.attempts + 1):
            try:
                return self._once(action)
            except _Passing as exc:
                if attempt == self.retry.attempts:
                    tried = f"Tried {attempt} times. " if attempt > 1 else ""
                    raise ServiceUnavailable(str(exc), tried + exc.hint) from exc.__cause__
                self._sleep(self.retry.delay(attempt))
        raise AssertionError("unreachable: RETRY.attempts must be at least 1")

    def _once(self, action: Callable):
        try:
            return action()
        except StorageApiError as exc:
            raise self._refused(exc) from exc
        except httpx.TransportError as exc:
            raise _Passing(
                f"Can't reach Supabase Storage at {self.project_url}: {self._clean(_first_line(exc))}",
                "Check SUPABASE_URL and that this machine can reach it, or unset AIUTEUR_MEDIA_STORE to keep "
                "media in the local folder.") from exc
        except (StorageException, ValueError, KeyError) as exc:  # an answer storage3 couldn't read
            raise ServiceUnavailable(f"Supabase Storage answered in a way the studio can't read: "
                                     f"{self._clean(_first_line(exc))}", "Check SUPABASE_URL names a Supabase "
                                     "project (https://<ref>.supabase.co).") from exc

    def _refused(self, exc: StorageApiError) -> Exception:
        status, said = str(exc.status), f"{exc.code} {exc.message}".lower()
        message = self._clean(_plain(exc.message))
        if "bucket not found" in said or "nosuchbucket" in said:
            return _NoBucket(f"Supabase Storage has no bucket {self.bucket!r}.",
                             "Restart the studio to create it, or check AIUTEUR_MEDIA_BUCKET.")
        if status == "404" or "not_found" in said or "nosuchkey" in said or "object not found" in said:
            return NotFound("That media isn't stored, or isn't yours.")
        if status == "409" or "duplicate" in said or "already exists" in said:
            return _Duplicate(message)
        if status in ("400", "401", "403") and any(w in said for w in ("unauthorized", "jwt", "security policy",
                                                                       "signature", "access")):
            return ServiceUnavailable(f"Supabase Storage refused the studio's key: {message}", KEY_HINT)
        failed = _Passing if status == "429" or status.startswith("5") else ServiceUnavailable
        return failed(f"Supabase Storage failed ({status}): {message}",
                      "Try again; if it keeps failing, check the Supabase project's status.")

    def _clean(self, text: str) -> str:
        """`text` without the service key or any credential it might quote."""
        shown = str(text).replace(self._service_key, HIDDEN) if self._service_key else str(text)
        return redact(shown, self.project_url)

    def _storage(self):
        """supabase-py's storage client, made once: the service key has no session to keep or refresh."""
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            return self._client.storage

    def _connect(self):
        from supabase import ClientOptions, SupabaseException, create_client

        http = httpx.Client(timeout=httpx.Timeout(self.timeout_seconds, connect=5.0), follow_redirects=True)
        try:
            return create_client(self.project_url, self._service_key,
                                 ClientOptions(auto_refresh_token=False, persist_session=False, httpx_client=http))
        except SupabaseException as exc:
            raise ServiceUnavailable(f"SUPABASE_URL {self.project_url!r} isn't a Supabase URL: {exc}",
                                     "Use the project's URL, https://<ref>.supabase.co.") from exc

    def _cache(self, owner: Owner) -> LocalMediaStore:
        return LocalMediaStore(self.cache_dir / _folder(owner))


class _NoBucket(ServiceUnavailable):
    """The bucket isn't there (ensure_bucket makes it)."""


class _Duplicate(ServiceUnavailable):
    """The object is there already (an upload without upsert)."""


class _Passing(ServiceUnavailable):
    """A failure that may pass: the connection, a timeout, a 5xx, a 429 (tried again)."""


def _folder(owner: Owner) -> str:
    """The owner's folder: their user id, written the one way Postgres writes `auth.uid()::text`."""
    if owner is None:
        raise ValueError("Supabase Storage keeps media per owner: pass owner= (the user's id)")
    try:
        return str(UUID(str(owner)))
    except ValueError:
        raise InputRejected({"owner": f"{str(owner)[:40]!r} is not a user id"}) from None


def _object(key: str, owner: Owner) -> str:
    return f"{_folder(owner)}/{key}"


def _plain(message: str) -> str:
    """A server's message as a sentence: storage3's wrapper and a gateway page's markup taken off."""
    text = re.sub(r"<[^>]*>", " ", message.removeprefix("Unable to parse error message: "))
    return " ".join(text.split())[:200] or "no message"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
