import csv
import io
import json
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from homeward.registry.figures import compare, end_of_day, figures
from tabular import parse_partial_date, parse_timestamp, write_csv, write_xlsx

COLUMNS = ("known", "killed", "discharged", "missing", "prisoner", "remaining")


def parse_day(text: str) -> date:
    try:
        value = parse_partial_date(text)
    except ValueError as exc:
        raise CommandError(f"--on: {exc}") from None
    if value is None or value.precision != "day":
        raise CommandError(f"--on needs a whole date such as 2024-08-09, not {text!r}")
    return value.first_day


def parse_known_at(text: str | None) -> datetime | None:
    """A bare date means "as known on that day", so it stands for the end of the day."""
    if not text:
        return None
    try:
        if len(text.strip()) <= 10:
            return end_of_day(parse_day(text))
        return parse_timestamp(text)
    except (ValueError, CommandError) as exc:
        raise CommandError(f"--known-at: {exc}") from None


class Command(BaseCommand):
    help = "Print the figures (known, killed, discharged, missing, prisoner, remaining) for a day, as known at a moment."

    def add_arguments(self, parser):
        parser.add_argument("--on", required=True, help="the day the figures describe, e.g. 2024-08-09")
        parser.add_argument("--known-at", help="use only what was recorded by then (default: now); a date means its end")
        parser.add_argument("--origin", help="only cases of this origin country (ISO code)")
        parser.add_argument("--format", choices=["table", "json", "csv", "xlsx", "pdf"], default="table",
                            help="xlsx and pdf (a brief with charts) are written to the file named by -o")
        parser.add_argument("--by", choices=["state", "origin", "agent", "partner", "district", "month"],
                            help="a breakdown: the buckets per home state, origin, recruiting agent, partner…")
        parser.add_argument("-o", "--output", help="the file to write (needed for xlsx and pdf)")

    def handle(self, *args, **options):
        on = parse_day(options["on"])
        known_at = parse_known_at(options["known_at"])
        origin = options["origin"]
        fmt, by = options["format"], options["by"]
        if fmt in ("xlsx", "pdf") and not options["output"]:
            raise CommandError(f"--format {fmt} writes a file: name it with -o FILE")
        if fmt == "pdf":
            self._brief(on, known_at, origin, by, options["output"])
            return
        if by or fmt == "xlsx":
            self._breakdown(on, known_at, origin, by, fmt, options["output"])
            return
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures(on, known_at, origin=origin).counts))
            return
        if options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(COLUMNS)
            counts = figures(on, known_at, origin=origin).counts
            writer.writerow([counts[c] for c in COLUMNS])
            return
        self._table(on, known_at, origin)

    def _table(self, on, known_at, origin):
        if known_at is None:
            result = figures(on, origin=origin)
            self._line(f"as of {on} (as known now)", result.counts)
            return
        comparison = compare(on, known_at, origin=origin)
        self.stdout.write(f"{'':46}" + "".join(f"{c:>12}" for c in COLUMNS))
        self._line(f"as of {on}, known at {known_at:%Y-%m-%d %H:%M}", comparison.as_known_then.counts)
        self._line(f"as of {on}, as corrected since", comparison.as_corrected.counts)
        if comparison.changes:
            self.stdout.write(f"\n{len(comparison.changes)} case(s) counted differently now:")
            for change in comparison.changes:
                self.stdout.write(f"  {change.reference}: {change.then or '(not known)'} -> "
                                  f"{change.now or '(not counted)'} ({change.why})")
        else:
            self.stdout.write("\nNo case is counted differently now.")

    def _line(self, label, counts):
        self.stdout.write(f"{label:46}" + "".join(f"{counts[c]:>12}" for c in COLUMNS))

    def _breakdown(self, on, known_at, origin, by, fmt, output):
        from homeward.reporting.selectors import breakdown

        result = figures(on, known_at, origin=origin)
        rows = breakdown(result, by) if by else {"all": result.counts}
        key = by or "figures"
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
        elif fmt == "csv":
            text = io.StringIO()
            write_csv(text, [key, *COLUMNS], [[group, *(row[c] for c in COLUMNS)] for group, row in rows.items()])
            self.stdout.write(text.getvalue(), ending="")
        elif fmt == "xlsx":
            write_xlsx(output, [key, *COLUMNS], [[group, *(row[c] for c in COLUMNS)] for group, row in rows.items()],
                       sheet_title=f"figures {on}")
            self.stdout.write(f"wrote {len(rows)} row(s) to {output}")
        else:
            width = max([len(key), *(len(group) for group in rows)]) + 2
            self.stdout.write(f"{key:{width}}" + "".join(f"{c:>12}" for c in COLUMNS))
            for group, row in rows.items():
                self.stdout.write(f"{group:{width}}" + "".join(f"{row[c]:>12}" for c in COLUMNS))

    def _brief(self, on, known_at, origin, by, output):
        from homeward.reporting import brief
        from homeward.reporting.selectors import breakdown, buckets_by_month

        if known_at:
            comparison = compare(on, known_at, origin=origin)
            now, then = comparison.as_corrected, comparison.as_known_then
            reasons = {}
            for change in comparison.changes:
                reasons[change.why] = reasons.get(change.why, 0) + 1
        else:
            now, then, reasons = figures(on, origin=origin), None, {}
        breakdowns = [("By home state", now.breakdown("home_state")), ("By origin country", now.breakdown("origin_country"))]
        if by and by not in ("state", "origin"):
            breakdowns.append((f"By {by}", breakdown(now, by)))
        content = brief.BriefContent(
            title="Nationals recruited into a foreign army: figures", on=on, known_at=known_at, origin=origin,
            now=now.counts, then=then.counts if then else None, series=buckets_by_month(on, known_at, origin),
            by_state=now.breakdown("home_state"), breakdowns=breakdowns, reasons=reasons)
        with open(output, "wb") as handle:
            handle.write(brief.render(content))
        self.stdout.write(f"wrote the brief to {output}")

