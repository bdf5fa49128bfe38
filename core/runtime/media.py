"""Content-addressed media: a file's key is the sha256 of its bytes, so branches share media and
an identical render is stored (and paid for) once. Local folder by default."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from core.errors import InputRejected

_SUFFIXES = {".png", ".jpg", ".mp4", ".fountain", ".csv", ".otio", ".edl"}
# What a key is: 64 lower-case hex digits (sha256), then one known extension if any. Nothing else.
_KEY = re.compile(r"[0-9a-f]{64}(?:" + "|".join(re.escape(s) for s in sorted(_SUFFIXES)) + r")?")


def is_media_key(key: object) -> bool:
    """Whether `key` has the shape of a key this store hands out."""
    return isinstance(key, str) and _KEY.fullmatch(key) is not None


def check_media_key(key: object, field: str = "media_key") -> str:
    """The key itself, or InputRejected (under `field`) when it isn't one this store could have made."""
    if not is_media_key(key):
        raise InputRejected({field: f"{str(key)[:80]!r} is not a media key (a sha256 and a file type)"})
    return key


class MediaStore:
    """Files under `root/ab/abcdef….ext`, named by the sha256 of their content."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes, suffix: str) -> str:
        """Store bytes (idempotently, safely from many workers at once); return the key `sha256.ext`."""
        if suffix not in _SUFFIXES:
            raise ValueError(f"unsupported media type {suffix}")
        key = hashlib.sha256(data).hexdigest() + suffix
        path = self.path(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, data)
        return key

    def path(self, key: str) -> Path:
        """Where a key's file lives; InputRejected for anything that isn't a key."""
        check_media_key(key)
        return self.root / key[:2] / key

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        """Whether the key's file is stored; a string that isn't a key names nothing stored."""
        return is_media_key(key) and self.path(key).exists()


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
