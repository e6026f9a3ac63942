"""Reading an import's files one record at a time (CSV, XLSX, JSON lines), each with the
line it starts on, so memory stays flat whatever the file's size, and a bad record can be
named by its line."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from deskline.core.errors import InvalidInput
from deskline.core.inert import quoted
from deskline.core.language import _
from deskline.core.transfer.cells import unguarded, xlsx_read

KINDS = ("csv", "xlsx", "jsonl")
Record = tuple[int, dict[str, Any]]  # (line, column -> value)


def kind_of(path: Path, given: str | None) -> str:
    """The file's kind: ``given`` (csv, xlsx, jsonl), else its suffix."""
    if given in KINDS:
        return given  # type: ignore[return-value]
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("ndjson", "json"):
        return "jsonl"
    if suffix in KINDS:
        return suffix
    return "csv"


def check_file(path: Path, what: str | None = None) -> None:
    """Refuse a path that is not a file; ``what`` (translated): what it is, "the file"."""
    what = what or _("the file")
    if not path.exists():
        raise InvalidInput(
            _("{what} {path} does not exist").format(what=what, path=quoted(str(path)))
        )
    if not path.is_file():
        raise InvalidInput(
            _("{what} {path} is not a regular file").format(what=what, path=quoted(str(path)))
        )


def records(path: Path, kind: str) -> Iterator[Record]:
    """The file's records with the line (CSV, JSON lines) or row (XLSX) each starts on."""
    if kind == "xlsx":
        yield from _xlsx(path)
    elif kind == "jsonl":
        yield from _jsonl(path)
    else:
        yield from _csv(path)


def _csv(path: Path) -> Iterator[Record]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInput(
                _("{file} line {line}: not CSV ({error})").format(file=path.name, line=1, error=exc)
            ) from None
        names = [h.strip() for h in header]
        start = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InvalidInput(
                    _("{file} line {line}: not CSV ({error})").format(
                        file=path.name, line=start, error=exc
                    )
                ) from None
            if any(cell.strip() for cell in row):
                cells = [unguarded(cell) for cell in row]  # the export's ' before a formula
                yield start, _named(names, cells, path.name, start)
            start = reader.line_num + 1


def _named(names: list[str], row: list[Any], file: str, line: int) -> dict[str, Any]:
    if len(row) > len(names):
        extra = [c for c in row[len(names) :] if str(c).strip()]
        if extra:
            return {"\0extra": len(row), **dict(zip(names, row, strict=False))}
    return dict(zip(names, row, strict=False))


def _jsonl(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8", errors="replace") as f:
        for number, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                yield number, {"\0bad": _("not JSON ({error})").format(error=exc.msg)}
                continue
            if not isinstance(value, dict):
                yield number, {"\0bad": _("not a JSON object")}
                continue
            yield number, value


def _xlsx(path: Path) -> Iterator[Record]:
    from openpyxl import load_workbook  # loads only for a spreadsheet

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise InvalidInput(
            _("{file}: not an XLSX workbook ({error})").format(
                file=path.name, error=type(exc).__name__
            )
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        names = ["" if h is None else str(h).strip() for h in header]
        for number, row in enumerate(rows, start=2):
            if all(c is None or str(c).strip() == "" for c in row):
                continue
            cells = [_cell(c) for c in row]
            yield number, _named(names, cells, path.name, number)
    finally:
        book.close()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):  # as the export (or Excel) wrote it: escapes, a guarding '
        return unguarded(xlsx_read(value))
    return str(value)


def digest(*parts: Path | str | None) -> str:
    """sha256 of the files' contents and the options' text: one import's identity."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            with part.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
        h.update(b"\0" + str(part).encode("utf-8", "replace") + b"\0")
    return h.hexdigest()
