"""Content-addressed media: a file's key is the sha256 of its bytes, so branches share media and
an identical render is stored (and paid for) once.

Two stores keep it, behind one `MediaStore` protocol: a local folder (the default) and, when
`AIUTEUR_MEDIA_STORE=supabase`, a private Supabase Storage bucket every worker can reach
(`core.runtime.supabase_media`). Every method takes the `owner` (the user the media belongs to):
Supabase keeps each owner's media in a folder of their own; the local folder ignores it.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol
from uuid import UUID

from core.errors import InputRejected, NotFound, ServiceUnavailable

_SUFFIXES = {".png", ".jpg", ".mp4", ".fountain", ".csv", ".otio", ".edl"}
# What a key is: 64 lower-case hex digits (sha256), then one known extension if any. Nothing else.
_KEY = re.compile(r"[0-9a-f]{64}(?:" + "|".join(re.escape(s) for s in sorted(_SUFFIXES)) + r")?")
CONTENT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".mp4": "video/mp4", ".fountain": "text/plain",
                 ".csv": "text/csv", ".otio": "application/json", ".edl": "text/plain"}

Owner = UUID | str | None


def is_media_key(key: object) -> bool:
    """Whether `key` has the shape of a key this store hands out."""
    return isinstance(key, str) and _KEY.fullmatch(key) is not None


def check_media_key(key: object, field: str = "media_key") -> str:
    """The key itself, or InputRejected (under `field`) when it isn't one this store could have made."""
    if not is_media_key(key):
        raise InputRejected({field: f"{str(key)[:80]!r} is not a media key (a sha256 and a file type)"})
    return key


def media_key(data: bytes, suffix: str) -> str:
    """The key of `data` stored as a `suffix` file; ValueError for a file type the store doesn't keep."""
    if suffix not in _SUFFIXES:
        raise ValueError(f"unsupported media type {suffix}")
    return hashlib.sha256(data).hexdigest() + suffix


def content_type(key: str) -> str:
    """The MIME type a browser is told for the key's file."""
    return CONTENT_TYPES.get(key[64:], "application/octet-stream")


class MediaStore(Protocol):
    """Where generated media lives. Keys are `sha256.ext`; `owner` is the user the media belongs to."""

    def put(self, data: bytes, suffix: str, owner: Owner = None) -> str:
        """Store bytes (idempotently); return their key."""

    def get(self, key: str, owner: Owner = None) -> bytes:
        """The key's bytes; NotFound when the owner has no such media."""

    def exists(self, key: str, owner: Owner = None) -> bool:
        """Whether the owner's media holds the key (False for anything that isn't a key)."""

    def path(self, key: str, owner: Owner = None) -> Path:
        """A local file holding the key's bytes, for readers that want a file."""

    def url(self, key: str, owner: Owner = None) -> str | None:
        """A URL a browser can fetch the media from (signed, expiring), or None when the store has none."""

    def for_browser(self, key: str, owner: Owner = None) -> str:
        """What `st.image`/`st.video` are given: a signed URL, or the local file's path."""


class LocalMediaStore:
    """Files under `root/ab/abcdef….ext`, named by the sha256 of their content; `owner` is ignored."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"LocalMediaStore({str(self.root)!r})"

    def put(self, data: bytes, suffix: str, owner: Owner = None) -> str:
        """Store bytes (idempotently, safely from many workers at once); return the key `sha256.ext`."""
        key = media_key(data, suffix)
        self.keep(key, data)
        return key

    def keep(self, key: str, data: bytes) -> Path:
        """Store `data` under `key` unless it is there already; ValueError when the bytes aren't the key's."""
        path = self.path(key)
        if hashlib.sha256(data).hexdigest() != key[:64]:
            raise ValueError(f"these bytes are not the content of {key}")
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, data)
        return path

    def path(self, key: str, owner: Owner = None) -> Path:
        """Where a key's file lives; InputRejected for anything that isn't a key."""
        check_media_key(key)
        return self.root / key[:2] / key

    def get(self, key: str, owner: Owner = None) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"The media {key[:12]}… isn't stored here (it may have been made on another machine).") \
                from None

    def exists(self, key: str, owner: Owner = None) -> bool:
        """Whether the key's file is stored; a string that isn't a key names nothing stored."""
        return is_media_key(key) and self.path(key).exists()

    def url(self, key: str, owner: Owner = None) -> str | None:
        """None: the studio serves a local file itself (`for_browser` gives its path)."""
        check_media_key(key)
        return None

    def for_browser(self, key: str, owner: Owner = None) -> str:
        return str(self.path(key))


def _write_atomically(path: Path, data: bytes) -> None:
    """Write under a name of this writer's own, then rename: a reader never sees half a file, and two
    writers of the same content each finish (the second rename replaces identical bytes)."""
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def open_media_store(settings) -> MediaStore:
    """The store the settings choose: the local folder, or Supabase Storage (its private bucket made if missing).

    Raises ServiceUnavailable when Supabase is chosen without SUPABASE_URL and SUPABASE_SERVICE_KEY, or can't be
    reached."""
    if settings.media_store == "local":
        return LocalMediaStore(settings.media_dir)
    missing = [name for name, value in (("SUPABASE_URL", settings.supabase_url),
                                         ("SUPABASE_SERVICE_KEY", settings.supabase_service_key)) if not value]
    if missing:
        raise ServiceUnavailable(
            f"AIUTEUR_MEDIA_STORE=supabase needs {' and '.join(missing)}.",
            "Set SUPABASE_URL to the project's URL and SUPABASE_SERVICE_KEY to its service_role key "
            "(Project Settings → API), or unset AIUTEUR_MEDIA_STORE to keep media in the local folder.")
    from core.runtime.supabase_media import SupabaseMediaStore

    store = SupabaseMediaStore(settings.supabase_url, settings.supabase_service_key.get_secret_value(),
                               settings.media_bucket, cache_dir=settings.data_dir / "media-cache",
                               url_seconds=settings.media_url_seconds)
    store.ensure_bucket()
    return store
