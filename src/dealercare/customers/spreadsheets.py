"""Reading and writing the customer spreadsheet: CSV (UTF-8, UTF-8 with BOM, GBK) and XLSX.

Reading is streamed row by row; writing is streamed too, so 100,000 rows never sit in
memory. Cells that a spreadsheet would run as a formula are written as text.
"""

import csv
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

import zipstream
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook

from dealercare.core.errors import InvalidInput

# (key, Chinese header). The export writes the Chinese header; the import accepts either.
COLUMNS = [
    ("name", "姓名"),
    ("phone", "手机号"),
    ("phone_alt", "备用电话"),
    ("email", "邮箱"),
    ("id_number", "身份证号"),
    ("address", "地址"),
    ("birthday", "生日"),
    ("gender", "性别"),
    ("grade", "客户等级"),
    ("tags", "标签"),
    ("source", "来源渠道"),
    ("preferred_channel", "偏好渠道"),
    ("vin", "车架号"),
    ("plate", "车牌号"),
    ("make", "品牌"),
    ("model_name", "车型"),
    ("year", "年款"),
    ("colour", "颜色"),
    ("purchase_date", "购车日期"),
    ("current_km", "当前里程"),
]
HEADER_TO_KEY = {alias: key for key, zh in COLUMNS for alias in (key, zh)}
REQUIRED_HEADERS = {"name", "phone"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number a person sees in the spreadsheet (header = 1)
    values: dict[str, str]


def _file_error(message) -> InvalidInput:
    return InvalidInput(message, fields={"file": [message]}, code="invalid_file")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _keyed_rows(rows: Iterator[list]) -> Iterator[SheetRow]:
    header = next(rows, None)
    if not header:
        raise _file_error(_("The file is empty."))
    keys = [HEADER_TO_KEY.get(_cell_text(h)) for h in header]
    missing = REQUIRED_HEADERS - set(keys)
    if missing:
        raise _file_error(
            _("The header row lacks the columns: %(cols)s.")
            % {"cols": ", ".join(sorted(dict(COLUMNS)[m] for m in missing))}
        )
    for number, row in enumerate(rows, start=2):
        values = {k: _cell_text(v) for k, v in zip(keys, row, strict=False) if k}
        if any(values.values()):
            yield SheetRow(number, values)


def _decode_csv(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(_("The CSV file is neither UTF-8 nor GBK text."))


def read_rows(fileobj, file_name: str) -> Iterator[SheetRow]:
    """Rows of an uploaded CSV or XLSX file, keyed by column, in file order."""
    head = fileobj.read(4)
    fileobj.seek(0)
    if head.startswith(b"PK"):
        try:
            workbook = load_workbook(fileobj, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise _file_error(_("The file is not a readable XLSX workbook.")) from exc
        sheet = workbook.worksheets[0]
        return _keyed_rows(list(r) for r in sheet.iter_rows(values_only=True))
    if file_name.lower().endswith((".xlsx", ".xls")) or b"\x00" in fileobj.read(4096):
        raise _file_error(_("The file is not a CSV or XLSX spreadsheet."))
    fileobj.seek(0)
    text = _decode_csv(fileobj.read())
    return _keyed_rows(_csv_rows(text))


def _csv_rows(text: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise _file_error(_("The CSV file is malformed: %(reason)s") % {"reason": exc}) from exc


def neutralise_formula(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _export_header() -> list[str]:
    return [zh for _key, zh in COLUMNS]


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(_export_header())
    for row in rows:
        yield writer.writerow([neutralise_formula(v) for v in row])


# The smallest package Excel, WPS and openpyxl open: one sheet of inline strings.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><sheets>'
        '<sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="1"><xf/></cellXfs><cellStyles count="1">'
        '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ROWS_PER_CHUNK = 500


def _xlsx_cell(value) -> str:
    text = neutralise_formula(value)
    if not text:
        return "<c/>"  # keeps the columns in place: the cells carry no references
    text = escape(_NOT_XML.sub("", text))
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_xml(rows: Iterable[list]) -> Iterator[bytes]:
    yield f'{_XML}<worksheet xmlns="{_MAIN}"><sheetData>'.encode()
    chunk = []
    for row in itertools.chain([_export_header()], rows):
        chunk.append("<row>" + "".join(_xlsx_cell(v) for v in row) + "</row>")
        if len(chunk) == _ROWS_PER_CHUNK:
            yield "".join(chunk).encode()
            chunk.clear()
    yield ("".join(chunk) + "</sheetData></worksheet>").encode()


def xlsx_stream(rows: Iterable[list]) -> Iterator[bytes]:
    """The rows as an XLSX file, produced while it is sent: the first bytes leave at once
    and memory stays flat however many rows there are (openpyxl must finish the whole
    workbook in a file before a byte can go)."""
    package = zipstream.ZipStream(compress_type=zipstream.ZIP_DEFLATED, compress_level=1)
    for name, xml in _XLSX_PARTS.items():
        package.add((_XML + xml).encode(), name)
    package.add(_sheet_xml(rows), "xl/worksheets/sheet1.xml")
    yield from package


def _flat(value) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else str(value)


def personal_data_xlsx(data: dict, target) -> None:
    """One sheet per section of a person's data export; nested values as JSON text."""
    workbook = Workbook(write_only=True)
    for section, content in data.items():
        sheet = workbook.create_sheet(section[:31])
        rows = [content] if isinstance(content, dict) else content
        columns = list(rows[0]) if rows else []
        sheet.append(columns)
        for row in rows:
            sheet.append([neutralise_formula(_flat(row[c])) for c in columns])
    workbook.save(target)
