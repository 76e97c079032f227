"""Crafted hostile files for the upload-limit tests, written with zipfile (no third-party content)."""

from __future__ import annotations

import io
import zipfile

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                 '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="指标填报" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              'spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"


def _xlsx(sheet_parts: list[bytes] | bytes, head: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS), ("xl/workbook.xml", WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)):
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((head or SHEET_HEAD).encode())
            for part in sheet_parts if isinstance(sheet_parts, list) else [sheet_parts]:
                sheet.write(part)
            sheet.write(SHEET_TAIL.encode())
    return out.getvalue()


def xlsx_zip_bomb(uncompressed_mb: int = 150) -> bytes:
    """A workbook whose one sheet unpacks to ``uncompressed_mb`` MB of one repeated cell."""
    row = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>'
    chunk = row * (1024 * 1024 // len(row))
    return _xlsx([chunk] * uncompressed_mb)


def xlsx_rows(n: int) -> bytes:
    """A valid workbook with ``n`` one-cell rows."""
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, n + 1))
    return _xlsx(rows.encode())


def xlsx_with_dtd() -> bytes:
    head = ('<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    return _xlsx(b'<row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row>', head=head)


def docx_bomb(uncompressed_mb: int = 150) -> bytes:
    """A Word document whose body unpacks to ``uncompressed_mb`` MB of one repeated paragraph."""
    out = io.BytesIO()
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        with z.open("word/document.xml", "w", force_zip64=True) as doc:
            doc.write(f'<?xml version="1.0"?><w:document {ns}><w:body>'.encode())
            para = "<w:p><w:r><w:t>推进能源绿色低碳转型</w:t></w:r></w:p>".encode()
            chunk = para * (1024 * 1024 // len(para))
            for _ in range(uncompressed_mb):
                doc.write(chunk)
            doc.write(b"</w:body></w:document>")
    return out.getvalue()
