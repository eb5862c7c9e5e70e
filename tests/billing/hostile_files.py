"""Hostile and broken import files, generated in the test that needs them (never committed)."""

import io
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)
SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


_SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_SHARED_STRINGS_REL = (
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
)


def xlsx(
    sheet_data: bytes,
    *,
    dimension: str = "A1:D3",
    tail: bytes = b"</sheetData></worksheet>",
    shared_strings: bytes | None = None,
) -> bytes:
    """A minimal XLSX whose only sheet holds ``sheet_data`` (the <row> elements) as given, and
    optionally a shared-strings part of ``<si>`` elements (as Excel writes every text)."""
    sheet = SHEET_HEAD + f'<dimension ref="{dimension}"/>'.encode() + b"<sheetData>" + sheet_data + tail
    content_types, workbook_rels = _CONTENT_TYPES, _WORKBOOK_RELS
    if shared_strings is not None:
        content_types = content_types.replace("</Types>", _SHARED_STRINGS_TYPE)
        workbook_rels = workbook_rels.replace("</Relationships>", _SHARED_STRINGS_REL)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            archive.writestr(
                "xl/sharedStrings.xml",
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + shared_strings
                + b"</sst>",
            )
    return buffer.getvalue()


def shared(*texts: str) -> bytes:
    return "".join(f"<si><t>{text}</t></si>" for text in texts).encode()


def row(number: int, *values: str | int) -> bytes:
    """A sheet row of inline strings and numbers from column A."""
    cells = []
    for index, value in enumerate(values):
        reference = f"{chr(ord('A') + index)}{number}"
        if isinstance(value, int):
            cells.append(f'<c r="{reference}"><v>{value}</v></c>')
        else:
            cells.append(f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'.encode()


READINGS_HEADER = row(1, "Участок", "Дата", "День", "Ночь")


def readings_rows(count: int, *, first: int = 2) -> bytes:
    """Readings of plot 269, a day apart and growing, one per row."""
    return b"".join(
        row(n, 269, f"{1 + n % 28:02d}.{1 + n // 28 % 12:02d}.{2000 + n // 336}", 1000 + n, 500 + n)
        for n in range(first, first + count)
    )
