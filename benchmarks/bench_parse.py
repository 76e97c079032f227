"""Plan reader throughput (MB/s) for txt and docx input, and peak memory against file size.

Run:  .venv/bin/python benchmarks/bench_parse.py [--repeat N]

Corpus: the development plans in ../shared/plans/dev and dev2 when present (else the bundled
reference plan), each file read whole, repeated N times. The baseline measured in the same run is the cost
of decoding and OpenCC conversion alone, the floor any reader pays; the ratio shows what the
structure and target extraction add on top.
"""

from __future__ import annotations

import argparse
import io
import time
import tracemalloc
from pathlib import Path

from tanfeng.plans import example_plan_path, read_bytes
from tanfeng.plans.sources import decode_text
from tanfeng.text.normalise import to_simplified

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT.parent / "shared" / "plans"


def corpus() -> list[tuple[str, bytes]]:
    files = sorted(PLANS.glob("dev/*.txt")) + sorted(PLANS.glob("dev2/*.txt"))
    files = files or [example_plan_path()]
    return [(p.name, p.read_bytes()) for p in files]


def to_docx(data: bytes) -> bytes:
    from docx import Document

    doc = Document()
    for line in data.decode("utf-8").splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def timed(fn, items: list[tuple[str, bytes]], repeat: int) -> float:  # type: ignore[no-untyped-def]
    """CPU seconds of this process (throughput per core, robust to other load on the machine)."""
    start = time.process_time()
    for _ in range(repeat):
        for name, data in items:
            fn(data, name)
    return time.process_time() - start


def baseline(data: bytes, name: str) -> None:
    to_simplified(decode_text(data, name)[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    items = corpus()
    text_mb = sum(len(d) for _, d in items) / 1e6
    read_bytes(items[0][1], items[0][0])  # warm caches (OpenCC, gazetteer)
    t_base = timed(baseline, items, args.repeat)
    t_txt = timed(read_bytes, items, args.repeat)
    docx_items = [(n.replace(".txt", ".docx"), to_docx(d)) for n, d in items]
    t_docx = timed(read_bytes, docx_items, args.repeat)
    mb = text_mb * args.repeat
    print(f"corpus: {len(items)} files, {text_mb * 1000:.1f} kB of text, repeated {args.repeat}x (MB per CPU second)")
    print(f"baseline decode+OpenCC : {mb / t_base:8.2f} MB/s")
    print(f"parse txt              : {mb / t_txt:8.2f} MB/s  ({t_txt / t_base:.1f}x the baseline time)")
    print(f"parse docx             : {mb / t_docx:8.2f} MB/s of text  ({t_docx / t_txt:.2f}x the txt time)")
    ref = example_plan_path().read_bytes()
    for copies in (1, 4, 16):
        data = ref * copies
        t0 = time.process_time()
        read_bytes(data, "ref.txt")
        dt = time.process_time() - t0
        tracemalloc.start()
        read_bytes(data, "ref.txt")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"reference plan x{copies:<3d}: {len(data) / 1e6:6.2f} MB in {dt:6.3f} s ({len(data) / 1e6 / dt:5.2f} MB/s), "
              f"peak traced memory {peak / 1e6:6.1f} MB ({peak / len(data):.0f}x file size)")


if __name__ == "__main__":
    main()
