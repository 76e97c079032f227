"""A self-contained HTML page of the report (charts inlined), for the web workspace and e-mail."""

from __future__ import annotations

import base64
from html import escape

from tanfeng.reports.content import AnnualReport
from tanfeng.reports.layout import Block, Figure, Outline, Para, Section, Shown, Table, build_outline, fmt_num

STYLE = """
body{font-family:"FangSong","仿宋","Noto Serif CJK SC",serif;max-width:60em;margin:2em auto;line-height:1.8;padding:0 1em}
h1{font-family:"SimSun","宋体","Noto Serif CJK SC",serif;text-align:center;font-size:1.8em}
h2{font-family:"SimHei","黑体","Noto Sans CJK SC",sans-serif;font-size:1.2em}
h3{font-family:"KaiTi","楷体",serif;font-size:1.1em} h4{font-size:1em}
p.body{text-indent:2em} p.note{font-family:"KaiTi","楷体",serif;color:#444}
p.banner{color:#c00000;font-weight:bold;text-align:center} p.sub{text-align:center;margin:0}
table{border-collapse:collapse;margin:0.5em auto 1.5em;font-size:0.85em}
th,td{border:1px solid #555;padding:2px 6px;vertical-align:top} th{background:#ddebf7}
td.num{text-align:right;white-space:nowrap} caption{font-weight:bold;padding:4px}
figure{text-align:center} figure img{max-width:100%}
"""


def _table(t: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in t.headers)
    rows = "".join(
        "<tr>" + "".join(f'<td class="num">{escape(fmt_num(v))}</td>' if isinstance(v, int | float | Shown)
                         else f"<td>{escape(fmt_num(v))}</td>" for v in row) + "</tr>" for row in t.rows)
    return f"<table><caption>{escape(t.title)}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _blocks(blocks: list[Block]) -> str:
    out = []
    for b in blocks:
        if isinstance(b, Section):
            level = min(b.level + 1, 4)
            out.append(f"<section><h{level}>{escape(b.number + b.title)}</h{level}>{_blocks(b.blocks)}</section>")
        elif isinstance(b, Table):
            out.append(_table(b))
        elif isinstance(b, Figure):
            data = base64.b64encode(b.png).decode("ascii")
            out.append(f'<figure><img alt="{escape(b.caption)}" src="data:image/png;base64,{data}">'
                       f"<figcaption>{escape(b.caption)}</figcaption></figure>")
        elif isinstance(b, Para):
            out.append(f'<p class="{b.style}">{escape(b.text)}</p>')
    return "".join(out)


def render_outline(outline: Outline) -> str:
    banner = f'<p class="banner">{escape(outline.banner)}</p>' if outline.banner else ""
    subtitle = "".join(f'<p class="sub">{escape(s)}</p>' for s in outline.subtitle)
    lang = "en" if outline.lang == "en" else "zh-CN"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(outline.title)}</title>'
            f"<style>{STYLE}</style></head><body>{banner}<h1>{escape(outline.title)}</h1>{subtitle}"
            f"{_blocks(list(outline.sections))}<hr>{_blocks([outline.appendix])}</body></html>")


def render(report: AnnualReport, lang: str = "zh") -> bytes:
    """The report as one UTF-8 HTML page."""
    return render_outline(build_outline(report, lang)).encode("utf-8")
