"""Content-addressed media: a file's key is the sha256 of its bytes, so branches share media and
an identical render is stored (and paid for) once. Local folder by default."""

from __future__ import annotations

import hashlib
from pathlib import Path

_SUFFIXES = {".png", ".jpg", ".mp4", ".fountain", ".csv", ".otio", ".edl"}


class MediaStore:
    """Files under `root/ab/abcdef….ext`, named by the sha256 of their content."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes, suffix: str) -> str:
        """Store bytes (idempotently); return the key `sha256.ext`."""
        if suffix not in _SUFFIXES:
            raise ValueError(f"unsupported media type {suffix}")
        key = hashlib.sha256(data).hexdigest() + suffix
        path = self.path(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(path.suffix + ".part")
            partial.write_bytes(data)
            partial.replace(path)  # atomic: a reader never sees half a file
        return key

    def path(self, key: str) -> Path:
        if not key or "/" in key or ".." in key:
            raise ValueError(f"not a media key: {key!r}")
        return self.root / key[:2] / key

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).exists()
