"""Uploaded files on disk for the readers that need a path, and messages that name the user's file.

A reader's error names the file it was given; for an upload that is a temporary file. Every upload
route saves through ``saved_upload``, which remembers which temporary path stands for which file
name the user chose, and the error handlers (``shown``) put the user's name back into the message.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PureWindowsPath

from fastapi import Request

_STATE_KEY = "upload_names"
# Anything under the server's temporary folder that escaped the mapping (a reader that resolved the path).
_TEMP_PATH = re.compile(re.escape(tempfile.gettempdir().rstrip("/")) + r"/[^\s'\"“”:：;；,，)）]+")


def shown_name(filename: str | None, default: str) -> str:
    """The user's file name as the browser sent it, without any folder (some browsers send C:\\fakepath\\…)."""
    name = PureWindowsPath((filename or "").replace("/", "\\")).name.strip()
    return name[:200] or default


@contextmanager
def saved_upload(request: Request, data: bytes, filename: str | None, default: str = "upload.xlsx") -> Iterator[Path]:
    """``data`` in a private temporary file with the upload's suffix; removed afterwards.

    The file has a random name, so no message can mistake it for anything else; ``shown`` replaces
    the path (and the bare name) by the user's file name.
    """
    name = shown_name(filename, default)
    suffix = Path(name).suffix.lower() or Path(default).suffix
    names = _names(request)
    with tempfile.TemporaryDirectory(prefix="tanfeng-") as tmp:
        path = Path(tmp) / f"upload-{secrets.token_hex(6)}{suffix}"
        path.write_bytes(data)
        names[str(path)] = name
        names[path.name] = name
        names[path.stem] = Path(name).stem
        names[tmp] = name
        yield path


def _names(request: Request) -> dict[str, str]:
    try:
        found: dict[str, str] = getattr(request.state, _STATE_KEY)
    except AttributeError:
        found = {}
        setattr(request.state, _STATE_KEY, found)
    return found


def shown(request: Request, text: str) -> str:
    """``text`` with every temporary upload path replaced by the user's file name."""
    names = getattr(request.state, _STATE_KEY, None) or {}
    for internal in sorted(names, key=len, reverse=True):  # the full path before the bare file name
        text = text.replace(internal, names[internal])
    return _TEMP_PATH.sub(lambda m: PureWindowsPath(m.group(0).replace("/", "\\")).name, text)
