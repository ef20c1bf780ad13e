"""Plain-text tables for the terminal: aligned columns, the last one cut to fit the width."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from typing import TextIO

DEFAULT_WIDTH = 100  # a terminal whose size cannot be read
NO_LIMIT = 1 << 30  # piped or redirected output: nothing is cut (a reader, grep or a file has room)
MIN_LAST_COLUMN = 10  # below this, lines overflow rather than cut a column to nothing
GAP = "  "
ELLIPSIS = "..."  # ASCII: output may go to a non-UTF-8 terminal or file


def terminal_width(stream: TextIO, environ: Mapping[str, str]) -> int:
    """The width to fit: $COLUMNS, else the terminal's width (DEFAULT_WIDTH when unreadable),
    else, when `stream` is no terminal, NO_LIMIT."""
    columns = environ.get("COLUMNS", "").strip()
    if columns.isascii() and columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if not stream.isatty():
            return NO_LIMIT
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, io.UnsupportedOperation):
        return DEFAULT_WIDTH


def truncate(text: str, width: int) -> str:
    """`text` on one line, cut to `width` characters with a trailing '...' when longer."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    if width <= len(ELLIPSIS):
        return text[:width]
    return text[: width - len(ELLIPSIS)].rstrip() + ELLIPSIS


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, width: int) -> list[str]:
    """The header and rows as lines of aligned columns; the last column is cut to fit `width`."""
    count = len(headers)
    if any(len(row) != count for row in rows):
        raise ValueError(f"every row must have {count} cells")
    table = [list(headers), *([" ".join(cell.split()) for cell in row] for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(count)]
    fixed = sum(widths[:-1]) + len(GAP) * (count - 1)
    widths[-1] = min(widths[-1], max(MIN_LAST_COLUMN, width - fixed))
    lines = []
    for line in table:
        cells = [cell.ljust(w) for cell, w in zip(line[:-1], widths[:-1], strict=True)]
        cells.append(truncate(line[-1], widths[-1]))
        lines.append(GAP.join(cells).rstrip())
    return lines
