"""QR codes drawn into PDFs from segno's module matrix, as vector squares (sharp at any zoom)."""

from __future__ import annotations

import segno
from reportlab.lib.colors import black

QUIET_ZONE = 2  # modules of white around the code


def draw_qr(drawing, url: str, *, x: float, y: float, size: float) -> None:
    """Draw a QR for ``url`` on a ReportLab canvas, lower-left corner at (x, y)."""
    matrix = segno.make_qr(url, error="m").matrix
    module = size / (len(matrix) + 2 * QUIET_ZONE)
    drawing.saveState()
    drawing.setFillColor(black)
    for row_index, row in enumerate(matrix):
        for column_index, dark in enumerate(row):
            if dark:
                drawing.rect(
                    x + (column_index + QUIET_ZONE) * module,
                    y + size - (row_index + QUIET_ZONE + 1) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )
    drawing.restoreState()
