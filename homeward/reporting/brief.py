"""The PDF brief: figures, charts, breakdowns and notes on a few pages, fit to hand to a minister.

Rendered with reportlab. Page streams are left uncompressed (the charts, which are most of the
size, are compressed anyway), so that the figures in a brief can be checked by reading the file
itself; `invariant` makes the same brief the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import charts
from .selectors import COLUMNS


@dataclass
class BriefContent:
    title: str
    on: date
    known_at: datetime | None
    origin: str | None
    now: dict
    then: dict | None = None
    series: list = field(default_factory=list)
    breakdowns: list[tuple[str, dict]] = field(default_factory=list)  # (heading, rows)
    by_state: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)
    notes: str = ""
    prepared_by: str = ""


def _table(header: list[str], rows: list[list]) -> Table:
    table = Table([header] + [[str(v) for v in row] for row in rows], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
    ]))
    return table


def _chart(png: bytes, width: float) -> Image:
    image = Image(io.BytesIO(png))
    scale = width / image.imageWidth
    image.drawWidth, image.drawHeight = width, image.imageHeight * scale
    return image


def sentence(counts: dict) -> str:
    return (f"Of {counts['known']} known, {counts['killed']} killed, {counts['discharged']} discharged, "
            f"{counts['missing']} missing, {counts['prisoner']} prisoner, {counts['remaining']} remain.")


def render(content: BriefContent) -> bytes:
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=content.title, author="Homeward", invariant=1,
                                 pageCompression=0, leftMargin=2 * cm, rightMargin=2 * cm)
    width = A4[0] - 4 * cm
    known = f"as known on {content.known_at:%Y-%m-%d}" if content.known_at else "as known today"
    story = [
        Paragraph(escape(content.title), styles["Title"]),
        Paragraph(escape(f"Figures as of {content.on}, {known}; origin: {content.origin or 'all'}."), body),
        Spacer(1, 6),
        Paragraph(escape(sentence(content.then or content.now)), styles["Heading3"]),
    ]
    rows = []
    if content.then:
        rows.append([f"as known on {content.known_at:%Y-%m-%d}"] + [content.then[c] for c in COLUMNS])
    rows.append(["as corrected since" if content.then else "as known today"] + [content.now[c] for c in COLUMNS])
    story.append(_table([""] + list(COLUMNS), rows))
    if content.then and content.reasons:
        story.append(Spacer(1, 4))
        story.append(Paragraph(escape("Counted differently now: " + "; ".join(
            f"{why}: {n}" for why, n in content.reasons.items())), body))
    if content.series:
        story += [Paragraph("Month by month", heading),
                  _chart(charts.buckets_over_time([(p.day, p.counts) for p in content.series], fmt="png"), width),
                  _table(["month end"] + list(COLUMNS),
                         [[p.day.isoformat()] + [p.counts[c] for c in COLUMNS] for p in content.series])]
    if content.by_state:
        story += [Paragraph("By home state", heading), _chart(charts.bars_by_group(content.by_state, fmt="png"), width)]
    for title, breakdown in content.breakdowns:
        story += [Paragraph(escape(title), heading),
                  _table([""] + list(COLUMNS), [[key] + [row[c] for c in COLUMNS] for key, row in breakdown.items()])]
    if content.notes.strip():
        story.append(Paragraph("Notes", heading))
        story += [Paragraph(escape(line), body) for line in content.notes.strip().splitlines() if line.strip()]
    story += [Spacer(1, 12), Paragraph(escape(
        f"Prepared with Homeward{' by ' + content.prepared_by if content.prepared_by else ''}. Counts are of cases in "
        "the registry; a merged case counts once, in the case it was merged into."), styles["Italic"])]
    document.build(story)
    return buffer.getvalue()
