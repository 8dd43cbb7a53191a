"""Reading a CSV file of leads as a stream: encoding and delimiter detection, the header, and
the records with their spreadsheet row numbers.

Nothing here holds the file in memory: the file is read twice, each time in small pieces (a
first pass checks the encoding and the structure and counts the rows, so that a broken file
is refused before anything is written and a progress bar knows its end).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ErrorCode, message_for
from . import columns as cols

# A text field longer than this is no lead data: the file is probably not CSV (a stray quote
# would otherwise swallow the rest of the file into one field).
FIELD_SIZE_LIMIT = 64 * 1024
_PIECE = 1024 * 1024
_SIGNATURES = (
    (b"PK\x03\x04", "it is a ZIP archive (an Excel workbook?); save it as CSV"),
    (b"\xd0\xcf\x11\xe0", "it is an Excel or Office document; save it as CSV"),
    (b"%PDF", "it is a PDF document"),
    (b"\x89PNG", "it is an image"),
    (b"\xff\xd8\xff", "it is an image"),
    (b"GIF8", "it is an image"),
)
_DELIMITERS = (",", ";", "\t")


class CsvFileError(Exception):
    """The whole file is refused, with its registry code."""

    def __init__(self, code: int, *args: object) -> None:
        self.code = int(code)
        self.message = message_for(code, *args)
        super().__init__(self.message)


def not_csv(reason: str) -> CsvFileError:
    return CsvFileError(ErrorCode.NOT_CSV, reason)


@dataclass(frozen=True)
class Problem:
    """A problem of the file's header, reported on the header's row."""

    code: int
    message: str
    # An unknown column can be left out on request; a duplicated one cannot.
    ignorable: bool

    @classmethod
    def of(cls, code: int, *args: object, ignorable: bool = True) -> Problem:
        return cls(int(code), message_for(code, *args), ignorable)


@dataclass
class Header:
    row: int
    names: list[str]
    # Position in a record -> canonical column or "ef_<name>"; None for a column left out.
    keys: list[str | None] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if not p.ignorable]

    @property
    def ignorable(self) -> list[Problem]:
        return [p for p in self.problems if p.ignorable]


@dataclass(frozen=True)
class Record:
    row: int
    cells: list[str]


class CsvSource:
    """A CSV file of leads, opened for streaming. ``open()`` checks it through once."""

    def __init__(self, path: str | Path, encoding: str, delimiter: str) -> None:
        self.path = Path(path)
        self.encoding = encoding
        self.delimiter = delimiter
        self.data_rows = 0
        self.header_row = 0
        self.header_cells: list[str] = []
        self._filled_columns: set[int] = set()

    @classmethod
    def open(cls, path: str | Path) -> CsvSource:
        path = Path(path)
        encoding = detect_encoding(path)
        with _text(path, encoding) as text:
            delimiter = _detect_delimiter(text)
        source = cls(path, encoding, delimiter)
        source._scan()
        return source

    def _reader(self, text: io.TextIOBase) -> Iterator[list[str]]:
        return csv.reader(text, delimiter=self.delimiter, strict=True)

    def _records(self) -> Iterator[Record]:
        """Every record with its spreadsheet row number (blank lines count as rows, as they do
        when the file is opened in a spreadsheet)."""
        previous = csv.field_size_limit(FIELD_SIZE_LIMIT)
        try:
            with _text(self.path, self.encoding) as text:
                reader = self._reader(text)
                row = 0
                while True:
                    try:
                        cells = next(reader)
                    except StopIteration:
                        return
                    except csv.Error as exc:
                        raise not_csv(f"line {reader.line_num}: {exc}") from None
                    except UnicodeDecodeError as exc:
                        raise not_csv(f"the text cannot be read as {self.encoding}") from exc
                    row += 1
                    yield Record(row, cells)
        finally:
            csv.field_size_limit(previous)

    def _scan(self) -> None:
        header_seen = False
        for record in self._records():
            if _is_blank(record.cells):
                continue
            if not header_seen:
                header_seen = True
                self.header_row = record.row
                self.header_cells = [c.strip() for c in record.cells]
                continue
            self.data_rows += 1
            for index, cell in enumerate(record.cells):
                if cell.strip():
                    self._filled_columns.add(index)
        if not header_seen:
            raise not_csv("it has no header row")

    def header(self, extended_fields: set[str]) -> Header:
        """The header checked against the known columns and ``extended_fields`` (the active
        definitions' names). Unnamed columns with no value in any row are left out quietly."""
        header = Header(row=self.header_row, names=self.header_cells)
        seen: dict[str, int] = {}
        for index, name in enumerate(self.header_cells):
            key = _column_key(name)
            problem = None
            if not name:
                if index in self._filled_columns:
                    problem = Problem.of(ErrorCode.UNKNOWN_CSV_COLUMN, f"{index + 1} (no name)")
            elif key is None:
                problem = Problem.of(ErrorCode.UNKNOWN_CSV_COLUMN, name)
            elif (field_name := cols.extended_field_name(key)) is not None and (
                field_name not in extended_fields
            ):
                problem = Problem.of(ErrorCode.UNKNOWN_EXTENDED_FIELD, field_name)
            elif key in seen:
                problem = Problem.of(ErrorCode.DUPLICATE_CSV_COLUMN, key, ignorable=False)
            if problem is not None:
                header.problems.append(problem)
                header.keys.append(None)
            else:
                header.keys.append(key if name else None)
                if key:
                    seen[key] = index
        return header

    def data(self) -> Iterator[Record]:
        """The records after the header, blank ones left out."""
        for record in self._records():
            if record.row <= self.header_row or _is_blank(record.cells):
                continue
            yield record


def _column_key(name: str) -> str | None:
    if not name:
        return None
    if name.lower().startswith(cols.EXTENDED_PREFIX):
        field_name = name[len(cols.EXTENDED_PREFIX) :].strip()
        return cols.extended_field_column(field_name) if field_name else None
    return cols.canonical_column(name)


def _is_blank(cells: list[str]) -> bool:
    # Spreadsheets write rows of empty cells (",,,,") for lines that were only formatted.
    return not any(cell.strip() for cell in cells)


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252, the encoding of Excel's
    plain "CSV" on Windows. Anything else is not a CSV file."""
    with path.open("rb") as raw:
        head = raw.read(64 * 1024)
    if not head:
        raise not_csv("the file is empty")
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text": UTF-16, tab-separated.
        encoding = "utf-16"
    else:
        for signature, reason in _SIGNATURES:
            if head.startswith(signature):
                raise not_csv(reason)
        if b"\x00" in head:
            raise not_csv("it contains binary data")
        encoding = "utf-8"
    if _decodes(path, encoding):
        return encoding
    if encoding == "utf-8" and _decodes(path, "cp1252"):
        return "cp1252"
    raise not_csv("the text is neither UTF-8 nor Windows-1252")


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    binary_if_nul = encoding != "utf-16"
    with path.open("rb") as raw:
        try:
            while piece := raw.read(_PIECE):
                if binary_if_nul and b"\x00" in piece:
                    return False
                decoder.decode(piece)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _text(path: Path, encoding: str) -> io.TextIOWrapper:
    # newline="" hands line ends to the csv module, which keeps them inside quoted fields.
    return io.TextIOWrapper(path.open("rb"), encoding=encoding, newline="")


def _detect_delimiter(text: io.TextIOBase) -> str:
    """The delimiter of the header line: the most frequent of , ; and tab (comma on a tie).
    Column names hold none of them, so the header tells reliably."""
    for line in text:
        if line.strip():
            counts = {d: line.count(d) for d in _DELIMITERS}
            best = max(_DELIMITERS, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","
