"""Score the plan reader on noisy variants of a corpus: traditional script, GB18030 bytes, injected
pinyin, .docx, .html and a hard-wrapped PDF, each built here from the clean texts.

Usage: .venv/bin/python scripts/score_variants.py [--texts ../shared/plans/dev] [--gold ../shared/plans/gold]
Prints the scorer's TOTAL line per variant; every variant should score like the clean texts.
"""

from __future__ import annotations

import argparse
import html
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _pinyin(text: str, rng: random.Random) -> str:
    out = []
    for ch in text:
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and rng.random() < 0.15:
            out.append(rng.choice(["(fā)", "【zhǎn】", "(tan)"]))
    return "".join(out)


def _docx(text: str, path: Path) -> None:
    from docx import Document

    doc = Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    doc.save(str(path))


def _pdf(text: str, path: Path, width: int = 38) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 10)
    y = 800
    for line in (x.strip() for x in text.splitlines()):
        for i in range(0, len(line), width):
            c.drawString(30, y, line[i : i + width])
            y -= 14
            if y < 40:
                c.showPage()
                c.setFont("STSong-Light", 10)
                y = 800
    c.save()


def build(texts: Path, out: Path) -> list[str]:
    s2t = opencc.OpenCC("s2t")
    rng = random.Random(1)
    variants = ["traditional", "gb18030", "pinyin", "docx", "html", "pdf"]
    for v in variants:
        (out / v).mkdir(parents=True)
    for src in sorted(texts.glob("*.txt")):
        text = src.read_text(encoding="utf-8")
        name = src.name  # keep the .txt name so the scorer finds the file; the reader sniffs the format
        (out / "traditional" / name).write_text(s2t.convert(text), encoding="utf-8")
        (out / "gb18030" / name).write_bytes(text.encode("gb18030"))
        (out / "pinyin" / name).write_text(_pinyin(text, rng), encoding="utf-8")
        _docx(text, out / "docx" / name)
        body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
        (out / "html" / name).write_text(f"<html><body><nav>首页 &gt; 政策</nav><div>{body}</div></body></html>",
                                         encoding="utf-8")
        _pdf(text, out / "pdf" / name)
    return variants


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", type=Path, default=SHARED / "plans" / "dev")
    ap.add_argument("--gold", type=Path, default=SHARED / "plans" / "gold")
    args = ap.parse_args()
    cmd = f"{sys.executable} -m tanfeng parse --format json {{file}}"
    with tempfile.TemporaryDirectory() as tmp:
        for variant in ["clean", *build(args.texts, Path(tmp))]:
            folder = args.texts if variant == "clean" else Path(tmp) / variant
            out = subprocess.run([sys.executable, str(SHARED / "tools" / "score_plans.py"), "--texts", str(folder),
                                  "--gold", str(args.gold), "--cmd", cmd], capture_output=True, text=True)
            print(f"{variant:12s} {out.stdout.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
