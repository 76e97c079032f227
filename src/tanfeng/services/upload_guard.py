"""Uploaded files opened with limits, so a crafted file costs its own request and never the server.

Two steps. ``inspect_archive`` reads only the zip directory of an .xlsx/.docx (no decompression):
too many entries, too much uncompressed data, a bomb-like compression ratio or a DTD in an XML
part refuse the file at once. Then the real reader runs in a separate worker process
(``run_limited``) with a wall-clock limit and an address-space limit; workbooks are first streamed
to count rows and cells. A worker over its limit is killed and the request gets a clear 422.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tanfeng.errors import TanfengError

if TYPE_CHECKING:
    from tanfeng.services.collection import ParsedFile

T = TypeVar("T")
MIB = 1024 * 1024


@dataclass(frozen=True)
class FileLimits:
    max_uncompressed: int = 100 * MIB  # all parts of one archive together
    max_entries: int = 2000
    max_ratio: float = 200.0  # per part over 1 MiB; office XML compresses 5–30×
    max_rows: int = 20_000  # per sheet
    max_cells: int = 400_000  # per workbook
    seconds: float = 60.0  # wall-clock time of the worker (a 3 MB plan takes ~5 s on an idle 2-core machine)
    memory: int = 768 * MIB  # address space the worker may add to what it starts with

    @classmethod
    def from_env(cls) -> FileLimits:
        """Defaults, overridden by ``TANFENG_UPLOAD_SECONDS``, ``_MEMORY_MB``, ``_MAX_ROWS``, ``_MAX_UNPACKED_MB``."""
        env = os.environ.get
        base = cls()
        return cls(max_uncompressed=int(env("TANFENG_UPLOAD_MAX_UNPACKED_MB", base.max_uncompressed // MIB)) * MIB,
                   max_rows=int(env("TANFENG_UPLOAD_MAX_ROWS", base.max_rows)),
                   seconds=float(env("TANFENG_UPLOAD_SECONDS", base.seconds)),
                   memory=int(env("TANFENG_UPLOAD_MEMORY_MB", base.memory // MIB)) * MIB)


DEFAULT_LIMITS = FileLimits.from_env()


class UploadRejected(TanfengError):
    """A file refused for its size or shape (answered 422 by the web layer, exit 2 by the CLI)."""

    def __init__(self, name: str, zh: str, en: str) -> None:
        super().__init__(f"{name}: {zh} / {name}: {en}")


def _is_zip(data: bytes | Path) -> bool:
    if isinstance(data, Path):
        with data.open("rb") as f:
            data = f.read(4)
    return data[:4] == b"PK\x03\x04"


def inspect_archive(data: bytes | Path, name: str, limits: FileLimits = DEFAULT_LIMITS) -> None:
    """Refuse an .xlsx/.docx whose zip directory promises more than we will unpack."""
    if not _is_zip(data):
        return
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
            if len(entries) > limits.max_entries:
                raise UploadRejected(name, f"压缩包内文件过多（{len(entries)}个）",
                                     f"too many parts in the archive ({len(entries)})")
            total = sum(e.file_size for e in entries)
            if total > limits.max_uncompressed:
                raise UploadRejected(name, f"解压后过大（{total // MIB} MB，上限{limits.max_uncompressed // MIB} MB）",
                                     f"too large when unpacked ({total // MIB} MB, limit "
                                     f"{limits.max_uncompressed // MIB} MB)")
            for e in entries:
                if e.file_size > MIB and e.file_size > limits.max_ratio * max(e.compress_size, 1):
                    raise UploadRejected(name, f"压缩比异常（{e.filename}），疑似压缩炸弹",
                                         f"abnormal compression ratio in {e.filename} (zip bomb?)")
            for e in entries:
                if e.filename.endswith((".xml", ".rels")) and _has_dtd(archive, e):
                    raise UploadRejected(name, f"文件含有DTD声明（{e.filename}），不予读取",
                                         f"{e.filename} declares a DTD; refused")
    except zipfile.BadZipFile:
        return  # not an archive: the reader says what it is not
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as err:
        raise UploadRejected(name, "无法读取压缩结构", f"unreadable archive ({type(err).__name__})") from err


def _has_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    # A DTD sits in the prolog, before the first element: the first few KiB tell.
    with archive.open(entry) as part:
        head = part.read(8192)
    return b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper()


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...], memory: int) -> None:
    try:
        import resource

        limit = _address_space() + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        conn.send(("ok", fn(*args)))
    except MemoryError:
        conn.send(("memory", ""))
    except TanfengError as err:
        conn.send(("error", str(err)))
    except Exception as err:  # a reader's crash on a malformed file is a bad file, not a server error
        conn.send(("crash", f"{type(err).__name__}: {str(err)[:200]}"))
    finally:
        conn.close()


_context_lock = threading.Lock()
_context: Any = None


def _workers() -> Any:
    """A forkserver context: workers fork from a clean single-threaded server with the readers preloaded."""
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["tanfeng.services.upload_guard", "tanfeng.plans", "tanfeng.plans.extract",
                                        "openpyxl", "docx", "tanfeng.services.collection", "tanfeng.accounting"])
            _context = ctx
        return _context


def warm_up() -> None:
    """Start the worker server ahead of the first upload (it imports the readers once, ~2 s)."""
    if _context is None:
        try:
            run_limited(_noop, (), "warm-up")
        except Exception:  # best effort (e.g. the server stops while warming): the first upload retries
            return


def _noop() -> None:
    return None


def run_limited(fn: Callable[..., T], args: tuple[Any, ...], name: str, limits: FileLimits = DEFAULT_LIMITS) -> T:
    """``fn(*args)`` in a worker process with the time and memory limits; its errors re-raised here."""
    ctx = _workers()
    receiver, sender = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_child, args=(sender, fn, args, limits.memory), daemon=True)
    worker.start()
    sender.close()
    try:
        if not receiver.poll(limits.seconds):
            raise UploadRejected(name, f"读取超时（超过{limits.seconds:.0f}秒），文件过于复杂",
                                 f"reading took longer than {limits.seconds:.0f} s; the file is too complex")
        try:
            status, payload = receiver.recv()
        except EOFError:
            status, payload = "memory", ""  # killed by the kernel (address-space limit) before answering
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(5)
        receiver.close()
    if status == "ok":
        return payload
    if status == "memory":
        raise UploadRejected(name, f"读取所需内存超过{limits.memory // MIB} MB，文件过大或结构异常",
                             f"reading needs more than {limits.memory // MIB} MB; the file is too large or malformed")
    if status == "error":
        raise TanfengError(payload)
    raise UploadRejected(name, f"无法读取文件（{payload}）", f"cannot read the file ({payload})")


def count_workbook(path: str, name: str, limits: FileLimits = DEFAULT_LIMITS) -> None:
    """Stream every sheet's XML and refuse past the row or cell limit; runs in the worker.

    Counted on the raw XML (lxml iterparse, entities off) rather than through openpyxl, which
    first sizes a sheet without a ``<dimension>`` by reading all of it.
    """
    from lxml import etree

    cells = 0
    with zipfile.ZipFile(path) as archive:
        sheets = [e for e in archive.infolist() if e.filename.startswith("xl/worksheets/") and
                  e.filename.endswith(".xml")]
        for entry in sheets:
            rows = 0
            with archive.open(entry) as part:
                for _event, element in etree.iterparse(part, events=("end",), resolve_entities=False,
                                                       no_network=True, huge_tree=False):
                    tag = element.tag.rsplit("}", 1)[-1]
                    if tag == "c":
                        cells += 1
                    elif tag == "row":
                        rows += 1
                        element.clear()
                    if rows > limits.max_rows:
                        raise UploadRejected(name, f"工作表{entry.filename}超过{limits.max_rows}行",
                                             f"sheet {entry.filename} has more than {limits.max_rows} rows")
                    if cells > limits.max_cells:
                        raise UploadRejected(name, f"工作簿超过{limits.max_cells}个单元格",
                                             f"the workbook has more than {limits.max_cells} cells")


def _read_template(path: str, name: str, limits: FileLimits) -> ParsedFile:
    from tanfeng.services.collection import parse_file

    if _is_zip(Path(path)):
        count_workbook(path, name, limits)
    return parse_file(path)


def _check_inventory(path: str, name: str, limits: FileLimits) -> None:
    from tanfeng.accounting import read_inventory

    if _is_zip(Path(path)):
        count_workbook(path, name, limits)
    read_inventory(Path(path))


def read_template(path: Path, name: str, limits: FileLimits = DEFAULT_LIMITS) -> ParsedFile:
    """A filled template (xlsx/csv) read within the limits by a worker; else ``UploadRejected``."""
    if _is_zip(path):
        inspect_archive(path, name, limits)
    return run_limited(_read_template, (str(path), name, limits), name, limits)


def check_inventory(path: Path, name: str, limits: FileLimits = DEFAULT_LIMITS) -> None:
    """An activity-data file (xlsx/csv/yaml) that opens within the limits; else ``UploadRejected``."""
    if _is_zip(path):
        inspect_archive(path, name, limits)
    run_limited(_check_inventory, (str(path), name, limits), name, limits)

