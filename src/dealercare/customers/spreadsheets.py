"""Reading and writing the customer spreadsheet: CSV (UTF-8, UTF-8 with BOM, GBK) and XLSX.

Reading is streamed row by row; writing is streamed too, so 100,000 rows never sit in
memory. Cells that a spreadsheet would run as a formula are written as text.
"""

import csv
import io
import itertools
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

import zipstream
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string

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
        if number > settings.IMPORT_MAX_ROWS + 1:
            raise _file_error(
                _("The file has more than %(n)s rows.") % {"n": settings.IMPORT_MAX_ROWS}
            )
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


# Broken or hostile XML and zip data, as zipfile, openpyxl, expat and defusedxml report it
# (defusedxml's refusals of entities and DTDs are ValueErrors; an encrypted part or an
# unknown packing method is a RuntimeError or NotImplementedError; a part openpyxl cannot
# make sense of is a TypeError or IndexError).
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    KeyError,
    OSError,
    EOFError,
    ValueError,
    SyntaxError,
    RuntimeError,
    NotImplementedError,
    TypeError,
    IndexError,
)


def _unreadable_xlsx() -> InvalidInput:
    return _file_error(_("The file is not a readable XLSX workbook."))


def _too_big(what) -> InvalidInput:
    return _file_error(_("The workbook is too large to import: %(what)s.") % {"what": what})


_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?\""
)
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_HEAD_BYTES = 64 * 1024


def check_xlsx_package(fileobj) -> None:
    """Refuse a workbook that would cost more to open than any real customer list, before
    openpyxl parses it: too many parts, too many bytes once unpacked, a part packed tighter
    than data ever is (a zip bomb), oversized shared strings, a sheet declaring more rows
    or columns than an import takes, or any DTD (OOXML has none; entities are how XML
    bombs and external-entity reads work)."""
    try:
        with zipfile.ZipFile(fileobj) as package:
            entries = package.infolist()
            if len(entries) > settings.IMPORT_XLSX_MAX_ENTRIES:
                raise _too_big(_("%(n)s parts") % {"n": len(entries)})
            if sum(e.file_size for e in entries) > settings.IMPORT_XLSX_MAX_UNPACKED_BYTES:
                raise _too_big(
                    _("more than %(mb)s MB unpacked")
                    % {"mb": settings.IMPORT_XLSX_MAX_UNPACKED_BYTES >> 20}
                )
            for entry in entries:
                _check_entry(package, entry)
    except _UNREADABLE as exc:
        raise _unreadable_xlsx() from exc
    finally:
        fileobj.seek(0)


def _check_entry(package: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    if (
        entry.file_size > 1024 * 1024
        and entry.file_size > entry.compress_size * settings.IMPORT_XLSX_MAX_RATIO
    ):
        raise _too_big(
            _("a part packed %(ratio)s times")
            % {"ratio": entry.file_size // max(entry.compress_size, 1)}
        )
    if (
        entry.filename.endswith("sharedStrings.xml")
        and entry.file_size > settings.IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES
    ):
        raise _too_big(
            _("more than %(mb)s MB of text")
            % {"mb": settings.IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES >> 20}
        )
    if not entry.filename.endswith((".xml", ".rels")):
        return
    with package.open(entry) as part:
        head = part.read(_HEAD_BYTES)
    if _DTD.search(head):
        raise _unreadable_xlsx()
    dimension = _DIMENSION.search(head)
    if dimension:
        _check_dimension(*dimension.groups())


def _check_dimension(first_col, first_row, last_col, last_row) -> None:
    columns = column_index_from_string((last_col or first_col).decode())
    rows = int(last_row or first_row)
    if rows > settings.IMPORT_MAX_ROWS + 1 or columns > settings.IMPORT_MAX_COLUMNS:
        raise _too_big(
            _("a sheet of %(rows)s rows by %(cols)s columns") % {"rows": rows, "cols": columns}
        )


def _xlsx_rows(fileobj) -> Iterator[list]:
    check_xlsx_package(fileobj)
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Bounded whatever the sheet declares: openpyxl pads every missing cell up to them.
        for row in sheet.iter_rows(
            max_row=settings.IMPORT_MAX_ROWS + 2,
            max_col=settings.IMPORT_MAX_COLUMNS,
            values_only=True,
        ):
            yield list(row)
    except _UNREADABLE as exc:
        raise _unreadable_xlsx() from exc


def read_rows(fileobj, file_name: str) -> Iterator[SheetRow]:
    """Rows of an uploaded CSV or XLSX file, keyed by column, in file order."""
    head = fileobj.read(4)
    fileobj.seek(0)
    if head.startswith(b"PK"):
        return _keyed_rows(_xlsx_rows(fileobj))
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
