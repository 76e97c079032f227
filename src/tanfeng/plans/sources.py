"""Turn a plan file (txt/docx/pdf/html bytes) into text: format and encoding detection."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from charset_normalizer import from_bytes

from tanfeng.errors import PlanReadError

_HTML_HINT = re.compile(r"<\s*(!doctype\s+html|html|head|body|meta|div|p|table)\b", re.I)


@dataclass(frozen=True)
class RawText:
    text: str
    format: str  # txt | docx | pdf | html
    encoding: str | None


def sniff_format(data: bytes, name: str) -> str:
    """Format from the content first (reposts are often misnamed), the file name second."""
    head = data[:2048]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    lowered = name.lower()
    for ext, fmt in ((".docx", "docx"), (".pdf", "pdf"), (".html", "html"), (".htm", "html")):
        if lowered.endswith(ext):
            return fmt
    return "txt"


def looks_like_html(text: str) -> bool:
    """Markup at the start of decoded text (a saved page whose name does not say .html)."""
    return bool(_HTML_HINT.search(text[:2048].lstrip()[:512]))


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode text bytes in any common Chinese encoding, detected rather than assumed."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), "utf-8" if enc == "utf-8-sig" else "utf-16"
    if b"\x00" in data[:4096]:
        utf16 = _guess_bomless_utf16(data)
        if utf16:
            return data.decode(utf16, errors="replace"), "utf-16"
        raise PlanReadError(name, "二进制文件，不是文本", "binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _guess_bomless_utf16(data)
    if utf16:
        return data.decode(utf16, errors="replace"), "utf-16"
    # GB18030 decodes almost any byte string, so candidates are compared by how much of the
    # result is private-use or control characters (the trace of a wrong guess).
    scored: list[tuple[int, int, str, str]] = []
    for order, enc in enumerate(("gb18030", "big5hkscs", "cp950")):
        try:
            decoded = data.decode(enc)
        except UnicodeDecodeError:
            continue
        scored.append((_implausible(decoded), order, decoded, "big5" if enc != "gb18030" else enc))
    if scored:
        score, _, decoded, enc = min(scored)
        if score <= max(2, len(decoded) // 200):
            return decoded, enc
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise PlanReadError(name, "无法识别文本编码", "cannot detect the text encoding")
    return str(best), best.encoding


def _implausible(text: str) -> int:
    return sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd" or (ch < " " and ch not in "\t\n\r"))


def _guess_bomless_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
    # ASCII-heavy UTF-16 has NULs in one byte lane; CJK-heavy text is judged by decoding.
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    for enc in ("utf-16-le", "utf-16-be"):
        if len(sample) % 2:
            sample = sample[:-1]
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
        if text and cjk / len(text) > 0.5 and _plausible_utf16(data):
            return enc
    return None


def _plausible_utf16(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return len(data) % 2 == 0
    return False


def docx_text(data: bytes, name: str) -> str:
    """Paragraphs and table cells of a .docx in document order."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise PlanReadError(name, "不是有效的 Word 文档", f"not a valid .docx ({err.__class__.__name__})") from err
    lines: list[str] = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, doc).text)
        elif tag == "tbl":
            for row in Table(block, doc).rows:
                cells: list[str] = []
                previous = None
                for cell in row.cells:
                    if cell._tc is not previous:  # a merged cell is returned once per grid column
                        cells.append(cell.text.strip())
                    previous = cell._tc
                if any(cells):
                    lines.append("\t".join(cells))
    return "\n".join(lines)


def pdf_text(data: bytes, name: str) -> str:
    """Text layer of a PDF, page by page; ruled tables come out as tab-separated rows, as from .docx."""
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_pdf_page(page) for page in pdf.pages]
    except Exception as err:  # pdfminer raises many unrelated types on malformed input
        raise PlanReadError(name, "无法读取 PDF", f"unreadable PDF ({err.__class__.__name__})") from err
    text = "\n".join(pages)
    if not text.strip():
        raise PlanReadError(name, "PDF 没有文字层（扫描件需先 OCR）", "PDF has no text layer (scan; OCR it first)")
    return text


def _pdf_page(page) -> str:  # type: ignore[no-untyped-def]
    tables = page.find_tables()
    if not tables:
        return page.extract_text() or ""
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:  # type: ignore[no-untyped-def]
        x, top = (obj.get("x0", 0) + obj.get("x1", 0)) / 2, (obj.get("top", 0) + obj.get("bottom", 0)) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= top <= b[3] for b in boxes)

    parts = [page.filter(outside).extract_text() or ""]
    for table in tables:
        for row in table.extract():
            cells = [re.sub(r"\s*\n\s*", "", c or "").strip() for c in row]
            if any(cells):
                parts.append("\t".join(cells))
    return "\n".join(parts)


_CHROME = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button")
_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "title")


def html_text(markup: str) -> str:
    """Visible text of a saved web page with navigation, scripts and other chrome dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "lxml")
    for tag in soup(_CHROME):
        tag.decompose()
    for tag in soup.find_all(class_=re.compile(r"(^|[-_ ])(nav|menu|footer|header|breadcrumb|share|sidebar)", re.I)):
        tag.decompose()
    body = soup.find(["article", "main"]) or soup.body or soup
    for cell in body.find_all(["td", "th"]):
        cell.insert_after("\t")  # table cells stay apart, as in .docx tables
    for tag in body.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    text = body.get_text("")
    if title and title not in text:
        text = title + "\n" + text
    return text


def load(data: bytes, name: str) -> RawText:
    """Text of a plan file's bytes; raises ``PlanReadError`` for unreadable input."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise PlanReadError(name, "文件为空", "file is empty")
    fmt = sniff_format(data, name)
    if fmt == "docx":
        return RawText(docx_text(data, name), "docx", None)
    if fmt == "pdf":
        return RawText(pdf_text(data, name), "pdf", None)
    text, encoding = decode_text(data, name)
    if fmt == "html" or looks_like_html(text):
        return RawText(html_text(text), "html", encoding)
    return RawText(text, "txt", encoding)
