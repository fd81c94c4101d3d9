"""Uploaded files kept under TUGI_DATA_DIR by their SHA-256, so a job can read them later."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings


def store_upload(content: bytes, suffix: str) -> tuple[str, Path]:
    digest = hashlib.sha256(content).hexdigest()
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{suffix}"
    if not path.exists():
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(content)
        tmp.replace(path)
    return digest, path


def read_upload(digest: str, suffix: str) -> bytes:
    if not digest.isalnum():
        raise ValueError("bad upload id")
    return (Path(settings.DATA_DIR) / "uploads" / f"{digest}{suffix}").read_bytes()
