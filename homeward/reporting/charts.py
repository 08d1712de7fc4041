"""Charts drawn on the server with matplotlib (no browser library, no CDN), as SVG for pages and PNG for the PDF.

Pages embed them as data: URIs in <img>, so nothing in a chart can run as script, and each chart is
shown next to a table that says the same in text.
"""

from __future__ import annotations

import base64
import functools
import io
import threading
from collections import OrderedDict
from datetime import date

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen before pyplot is imported)

from homeward.registry.lifecycle import BUCKETS  # noqa: E402

# Text stays text in the SVG (smaller, and readable by tools); the hash salt keeps output stable.
matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "homeward", "font.size": 9})
COLOURS = {"killed": "#8c2d04", "discharged": "#2b8cbe", "missing": "#e6a100", "prisoner": "#756bb1",
           "remaining": "#7f7f7f"}


def _render(figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {}
    figure.savefig(buffer, format=fmt, dpi=110, metadata=metadata)
    plt.close(figure)
    return buffer.getvalue()


_DRAWN: OrderedDict = OrderedDict()
_DRAWN_LOCK = threading.Lock()


def _memo(draw):
    """Draw each distinct chart once: a drawing costs 0.1-0.3 s and many people ask for the same day."""

    @functools.wraps(draw)
    def cached(*args, **kwargs):
        key = (draw.__name__, repr(args), repr(sorted(kwargs.items())))
        with _DRAWN_LOCK:
            if key in _DRAWN:
                _DRAWN.move_to_end(key)
                return _DRAWN[key]
        image = draw(*args, **kwargs)
        with _DRAWN_LOCK:
            _DRAWN[key] = image
            while len(_DRAWN) > 64:
                _DRAWN.popitem(last=False)
        return image

    return cached


def data_uri(image: bytes, fmt: str = "svg") -> str:
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(image).decode('ascii')}"


@_memo
def buckets_over_time(points: list[tuple[date, dict]], *, fmt: str = "svg", title: str = "") -> bytes:
    """Stacked areas of the buckets, one point per month end."""
    figure, axes = plt.subplots(figsize=(7.5, 3.2))
    days = [d for d, _ in points]
    if days:
        axes.stackplot(days, *[[counts[b] for _, counts in points] for b in BUCKETS], labels=list(BUCKETS),
                       colors=[COLOURS[b] for b in BUCKETS], step="post" if len(days) == 1 else None)
    axes.set_ylabel("cases")
    axes.set_title(title)
    # Headroom above the tallest stack, so that the legend sits over empty space, not over the data.
    axes.set_ylim(0, max([counts["known"] for _, counts in points] + [1]) * 1.25)
    axes.legend(loc="upper left", fontsize=8, ncols=5, frameon=False)
    axes.margins(x=0)
    figure.autofmt_xdate()
    return _render(figure, fmt)


@_memo
def bars_by_group(rows: dict[str, dict], *, fmt: str = "svg", title: str = "", limit: int = 15) -> bytes:
    """Horizontal stacked bars of the buckets for each group (e.g. home state), largest first."""
    shown = list(rows.items())[:limit]
    labels = [key for key, _ in shown][::-1]
    figure, axes = plt.subplots(figsize=(7.5, 0.35 * max(len(labels), 3) + 1))
    left = [0] * len(labels)
    for bucket in BUCKETS:
        values = [row[bucket] for _, row in shown][::-1]
        axes.barh(labels, values, left=left, color=COLOURS[bucket], label=bucket)
        left = [a + b for a, b in zip(left, values)]
    axes.set_xlabel("cases")
    axes.set_title(title)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    return _render(figure, fmt)


@_memo
def owed_and_paid(series: dict[str, list[dict]], *, fmt: str = "svg") -> bytes:
    """One panel per currency: what was owed and what was paid by each month's end."""
    currencies = list(series) or [""]
    figure, panels = plt.subplots(len(currencies), 1, figsize=(7.5, 2.4 * len(currencies)), squeeze=False)
    for axes, currency in zip(panels[:, 0], currencies):
        points = series.get(currency, [])
        days = [p["month"] for p in points]
        axes.step(days, [float(p["owed"]) for p in points], where="post", label="owed", color="#8c2d04")
        axes.step(days, [float(p["paid"]) for p in points], where="post", label="paid", color="#2b8cbe")
        axes.set_ylabel(currency)
        axes.legend(loc="upper left", fontsize=8, frameon=False)
        axes.ticklabel_format(axis="y", style="plain")
    figure.autofmt_xdate()
    return _render(figure, fmt)


def clear() -> None:
    with _DRAWN_LOCK:
        _DRAWN.clear()
