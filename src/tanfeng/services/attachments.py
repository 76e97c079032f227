"""Supporting documents (佐证材料): checked by content, stored outside the database, read by those who read the value.

A file is accepted only if its bytes are one of the allowed kinds (PDF, images, Office and OpenDocument
files; ``filetype`` reads the magic bytes, so a renamed executable stays refused) and its name's
extension agrees. Zip-based Office files go through ``upload_guard.inspect_archive`` (bombs, DTDs)
and are refused with macros. The bytes go to a directory (``TANFENG_ATTACHMENTS_DIR``), named by
their SHA-256 and written atomically (temporary file, fsync, rename), so a crash never leaves half a
file under a real name and the same file is kept once. The database row holds the user's own file
name, size, hash, kind, uploader and time.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

import filetype
from platformdirs import user_data_dir
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from tanfeng.db.attachment_models import Attachment
from tanfeng.db.base import utcnow
from tanfeng.db.models import Indicator, Task
from tanfeng.db.session import Database
from tanfeng.services.errors import StoreError
from tanfeng.services.queries import current_versions
from tanfeng.services.upload_guard import DEFAULT_LIMITS, FileLimits, UploadRejected, inspect_archive
from tanfeng.services.validation import clean_name
from tanfeng.services.writes import lock_indicators, lock_tasks
from tanfeng.tracking.periods import parse_period

ENV_DIR = "TANFENG_ATTACHMENTS_DIR"
MAX_BYTES = 20 * 1024 * 1024
MAX_PER_SUBJECT = 20


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]


# what filetype reports → what is accepted (and the names the file may carry)
KINDS: dict[str, Kind] = {
    "pdf": Kind("application/pdf", (".pdf",)),
    "png": Kind("image/png", (".png",)),
    "jpg": Kind("image/jpeg", (".jpg", ".jpeg")),
    "gif": Kind("image/gif", (".gif",)),
    "webp": Kind("image/webp", (".webp",)),
    "tif": Kind("image/tiff", (".tif", ".tiff")),
    "bmp": Kind("image/bmp", (".bmp",)),
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "pptx": Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)),
    "doc": Kind("application/msword", (".doc",)),
    "xls": Kind("application/vnd.ms-excel", (".xls",)),
    "ppt": Kind("application/vnd.ms-powerpoint", (".ppt",)),
    "odt": Kind("application/vnd.oasis.opendocument.text", (".odt",)),
    "ods": Kind("application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    "odp": Kind("application/vnd.oasis.opendocument.presentation", (".odp",)),
}
ALLOWED_NAMES = "PDF、图片（PNG/JPG/GIF/WebP/TIFF/BMP）、Word、Excel、PowerPoint、WPS/OpenDocument"
ALLOWED_NAMES_EN = "PDF, images (PNG/JPG/GIF/WebP/TIFF/BMP), Word, Excel, PowerPoint, OpenDocument"
_ZIPPED = {"docx", "xlsx", "pptx", "odt", "ods", "odp"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SHA = re.compile(r"^[0-9a-f]{64}$")


def default_directory(database_url: str) -> Path:
    """``TANFENG_ATTACHMENTS_DIR``, else ``attachments/`` beside a SQLite file, else the per-user data directory."""
    configured = os.environ.get(ENV_DIR)
    if configured:
        return Path(configured).expanduser()
    if database_url.startswith("sqlite") and "///" in database_url:
        path = database_url.split("///", 1)[1]
        if path and path != ":memory:":
            return Path(path).expanduser().resolve().parent / "attachments"
    return Path(user_data_dir("tanfeng", appauthor=False)) / "attachments"


def user_filename(raw: str | None) -> str:
    """The name the user gave the file, without any folder a browser sent (``C:\\fakepath\\…``)."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name.strip()
    if not name or name in (".", ".."):
        raise StoreError("文件没有名称", "the file has no name")
    if len(name) > 200:  # keep the extension: it is checked against the content
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return clean_name(name, "文件名", max_length=255)


def detect(data: bytes, name: str, limits: FileLimits = DEFAULT_LIMITS, max_bytes: int = MAX_BYTES) -> str:
    """The file's kind from its bytes; refuses what is not allowed, too large, or named as something else."""
    if not data:
        raise UploadRejected(name, "文件为空", "the file is empty")
    if len(data) > max_bytes:
        raise UploadRejected(name, f"文件超过{max_bytes // 1024 // 1024} MB",
                             f"larger than {max_bytes // 1024 // 1024} MB")
    guess = filetype.guess(data)
    kind = guess.extension if guess is not None else None
    if kind == "jpeg":
        kind = "jpg"
    if kind is None and data[:8] == _OLE:
        kind = _ole_kind(name)
    if kind not in KINDS:
        found = f"（识别为{kind}）" if kind else ""
        raise UploadRejected(name, f"文件内容不是允许的类型{found}；可上传：{ALLOWED_NAMES}",
                             f"the content is not an allowed type{f' (found {kind})' if kind else ''}; "
                             f"allowed: {ALLOWED_NAMES_EN}")
    suffix = Path(name).suffix.lower()
    if suffix not in KINDS[kind].extensions:
        raise UploadRejected(name, f"扩展名{suffix or '（无）'}与文件内容（{kind}）不符",
                             f"the extension {suffix or '(none)'} does not match the content ({kind})")
    if kind in _ZIPPED:
        inspect_archive(data, name, limits)
        _refuse_macros(data, name)
    return kind


def _ole_kind(name: str) -> str | None:
    """An old binary Office file (one OLE container for all three): the name tells which, the header that it is one."""
    suffix = Path(name).suffix.lower()
    return {".doc": "doc", ".xls": "xls", ".ppt": "ppt"}.get(suffix)


def _refuse_macros(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as err:
        raise UploadRejected(name, "Office文件已损坏，无法读取", "the Office file is damaged") from err
    if any(n.lower().endswith("vbaproject.bin") or n.lower().startswith("basic/") for n in names):
        raise UploadRejected(name, "文件含有宏，不予接收；请另存为不含宏的格式", "the file contains macros; save it "
                             "without macros")


def file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def fsync_path(path: Path) -> None:
    """fsync a file or a directory by its path (a directory: so that a rename in it survives a crash)."""
    directory = os.open(path, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class AttachmentStore:
    """Files named by their SHA-256 under ``root`` (``ab/abcdef…``), each written once and atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if not _SHA.match(sha256):
            raise StoreError("文件标识无效", "invalid file hash")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.exists() and target.stat().st_size == len(data):
            return sha  # the same bytes are already there
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o640)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        fsync_path(target.parent)  # the rename itself survives a crash
        return sha

    def place(self, staged: Path, sha256: str, *, sync: bool = True) -> Path:
        """Move a file already checked to hold ``sha256``'s bytes (on the store's file system) under its name.

        ``sync=False``: the caller fsyncs the returned directory (once for many files).
        """
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(staged, 0o640)
        os.replace(staged, target)
        if sync:
            fsync_path(target.parent)
        return target.parent

    def holds(self, sha256: str) -> bool:
        """Whether the store has the file and its bytes are what its name says."""
        path = self.path(sha256)
        return path.is_file() and file_sha256(path) == sha256

    def open_path(self, sha256: str) -> Path:
        path = self.path(sha256)
        if not path.is_file():
            raise StoreError("附件文件缺失（存储目录中找不到）", "the attachment's file is missing from the store")
        return path


@dataclass(frozen=True)
class Subject:
    """What a document supports: a value (indicator, period) or a progress report (plan, task, period)."""

    plan_id: int
    region_id: int
    period: str
    indicator_id: int | None = None
    indicator: str | None = None
    task_lineage: str | None = None
    task_code: str | None = None
    task_title: str | None = None
    task_id: int | None = None  # the task row of the current version (what a write locks)

    @property
    def key(self) -> str:
        if self.indicator_id is not None:
            return value_key(self.indicator_id, self.period)
        return task_key(self.plan_id, self.task_lineage or "", self.period)


def missing_files(db: Database, store: AttachmentStore) -> int:
    """How many stored documents (distinct files named by rows) are absent from ``store`` or of another size
    (a quick check by size; a backup verifies every file's SHA-256)."""
    with db.transaction() as session:
        if not inspect(session.connection()).has_table(Attachment.__tablename__):
            return 0  # a database of a schema before documents
        files = session.execute(select(Attachment.sha256, Attachment.size).distinct()).all()
    missing = 0
    for sha256, size in files:
        path = store.path(sha256)
        if not path.is_file() or path.stat().st_size != size:
            missing += 1
    return missing


def value_key(indicator_id: int, period: str) -> str:
    return f"value:{indicator_id}:{period}"


def task_key(plan_id: int, lineage: str, period: str) -> str:
    return f"task:{plan_id}:{lineage}:{period}"


def _period(text: str) -> str:
    parsed = parse_period(text)
    if parsed is None:
        raise StoreError(f"期间“{text}”格式不对（如2024、2024Q1、2024M03）",
                         f"period '{text}' is malformed (e.g. 2024, 2024Q1, 2024M03)")
    return parsed.label


def value_subject(session: Session, indicator_id: int, period: str) -> Subject:
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise StoreError(f"没有编号为{indicator_id}的指标", f"no indicator {indicator_id}")
    ref = next((r for r in current_versions(session) if r.plan.id == indicator.plan_id), None)
    if ref is None:
        raise StoreError("该指标所属方案已归档或不存在", "the indicator's plan is archived or missing")
    return Subject(indicator.plan_id, ref.region.id, _period(period), indicator_id=indicator.id,
                   indicator=indicator.name)


def task_subject(session: Session, plan_id: int, task_code: str, period: str) -> Subject:
    ref = next((r for r in current_versions(session) if r.plan.id == plan_id), None)
    task = None if ref is None else session.scalar(select(Task).where(Task.version_id == ref.version.id,
                                                                      Task.code == task_code))
    if ref is None or task is None:
        raise StoreError(f"未知任务“{plan_id}/{task_code}”", f"unknown task '{plan_id}/{task_code}'")
    return Subject(plan_id, ref.region.id, _period(period), task_lineage=task.lineage, task_code=task.code,
                   task_title=task.title, task_id=task.id)


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    filename: str
    size: int
    kind: str
    content_type: str
    sha256: str
    unit_id: int
    plan_id: int
    indicator_id: int | None
    task_lineage: str | None
    task_code: str | None
    period: str
    uploaded_by: str
    uploaded_at: datetime


def _info(row: Attachment) -> AttachmentInfo:
    return AttachmentInfo(row.id, row.filename, row.size, row.kind, row.content_type, row.sha256, row.unit_id,
                          row.plan_id, row.indicator_id, row.task_lineage, row.task_code, row.period,
                          row.uploaded_by, row.uploaded_at)


def add_in(session: Session, subject: Subject, *, unit_id: int, filename: str, data_size: int, sha256: str,
           kind: str, actor: str) -> tuple[AttachmentInfo, bool]:
    """The row of a stored file (the bytes are already in the store); the same file again is not added twice.

    Returns the attachment and whether it is new. Runs inside the caller's write transaction; the value's
    indicator row (or the task row) is locked first, so two uploads of one file never both insert it.
    """
    if subject.indicator_id is not None:
        lock_indicators(session, [subject.indicator_id])
    elif subject.task_id is not None:
        lock_tasks(session, [subject.task_id])
    existing = session.scalar(select(Attachment).where(Attachment.subject == subject.key, Attachment.unit_id == unit_id,
                                                       Attachment.sha256 == sha256))
    if existing is not None:
        if existing.removed_at is not None:  # uploaded again after being withdrawn: back in the list
            existing.removed_at, existing.removed_by = None, None
            existing.filename, existing.uploaded_by, existing.uploaded_at = filename, actor, utcnow()
            session.flush()
            return _info(existing), True
        return _info(existing), False
    count = session.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.subject == subject.key, Attachment.removed_at.is_(None))) or 0
    if count >= MAX_PER_SUBJECT:
        raise StoreError(f"每项最多{MAX_PER_SUBJECT}个佐证材料", f"at most {MAX_PER_SUBJECT} documents per item")
    row = Attachment(subject=subject.key, plan_id=subject.plan_id, unit_id=unit_id, indicator_id=subject.indicator_id,
                     task_lineage=subject.task_lineage, task_code=subject.task_code, period=subject.period,
                     filename=filename, size=data_size, sha256=sha256, kind=kind,
                     content_type=KINDS[kind].content_type, uploaded_by=actor)
    session.add(row)
    session.flush()
    return _info(row), True


def remove_in(session: Session, attachment_id: int, actor: str) -> AttachmentInfo:
    """Withdraw a document from the lists (the row and the file stay: what was once shown can be traced)."""
    row = session.get(Attachment, attachment_id, with_for_update=True)
    if row is None or row.removed_at is not None:
        raise StoreError("没有这个佐证材料", "no such document")
    row.removed_at, row.removed_by = utcnow(), actor
    session.flush()
    return _info(row)


def get(session: Session, attachment_id: int) -> AttachmentInfo | None:
    row = session.get(Attachment, attachment_id)
    return None if row is None or row.removed_at is not None else _info(row)


def for_subject(session: Session, key: str) -> list[AttachmentInfo]:
    return [_info(r) for r in session.scalars(select(Attachment).where(Attachment.subject == key,
                                                                       Attachment.removed_at.is_(None))
                                              .order_by(Attachment.uploaded_at, Attachment.id))]


def for_values(session: Session, pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], list[AttachmentInfo]]:
    """(indicator id, period) → its documents, for a page of values at once."""
    wanted = set(pairs)
    if not wanted:
        return {}
    out: dict[tuple[int, str], list[AttachmentInfo]] = {}
    query = (select(Attachment).where(Attachment.indicator_id.in_(sorted({i for i, _ in wanted})),
                                      Attachment.removed_at.is_(None))
             .order_by(Attachment.uploaded_at, Attachment.id))
    for row in session.scalars(query):
        if row.indicator_id is not None and (row.indicator_id, row.period) in wanted:
            out.setdefault((row.indicator_id, row.period), []).append(_info(row))
    return out

