"""homeward link LEFT RIGHT -o LINKS.csv: propose which people in two lists are the same."""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from homeward.identification.files import FORMULA_NOTE, Output, progress_bar, read_records, write_links
from matching import link


def probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CommandError(f"--threshold must be a number between 0 and 1, not {text!r}") from None
    if not 0 <= value <= 1:
        raise CommandError(f"--threshold must be between 0 and 1, not {value}")
    return value


def worker_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CommandError(f"--workers must be a whole number of processes, not {text!r}") from None
    if value < 1:
        raise CommandError(f"--workers must be at least 1, not {value}")
    return value


class Command(BaseCommand):
    help = ("Link two person lists (CSV or XLSX; English or Russian headers) and write the proposed "
            "links, best first, with a probability and a per-field explanation. " + FORMULA_NOTE)
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("left", help="the first list, e.g. the cases reported by families")
        parser.add_argument("right", help="the second list, e.g. the host ministry's roster")
        parser.add_argument("-o", "--output", required=True,
                            help="CSV file (UTF-8) to write left_id,right_id,match_probability and the "
                                 "explanation columns to; ids that look like formulas get an apostrophe in front")
        parser.add_argument("--threshold", default="0.5", help="minimum match probability (default 0.5)")
        parser.add_argument("--map-left", action="append", default=[], metavar="HEADER=FIELD",
                            help="map a column of LEFT to a field, e.g. 'Name of person=full_name'")
        parser.add_argument("--map-right", action="append", default=[], metavar="HEADER=FIELD")
        parser.add_argument("--joint", action="store_true",
                            help="solve competing claims of the two lists together: a right row another "
                                 "left row has taken makes a left row's other candidates likelier. Its "
                                 "probabilities then depend on the whole batch (uncontested pairs keep "
                                 "theirs)")
        parser.add_argument("--workers", default="1",
                            help="processes that score in parallel (default 1; for lists of tens of "
                                 "thousands of rows and more: each extra one needs about 1.5 GiB more "
                                 "memory per million rows of RIGHT)")

    def handle(self, *args, **opts):
        started = time.monotonic()
        threshold = probability(str(opts["threshold"]))
        workers = worker_count(str(opts["workers"]))
        output = Output(opts["output"])   # before the inputs: a long run must not end in "cannot write"
        warn = lambda msg: self.stderr.write(msg)  # noqa: E731
        left = read_records(opts["left"], opts["map_left"], warn=warn)
        right = read_records(opts["right"], opts["map_right"], warn=warn)
        tick, stage, close = progress_bar(len(right) + len(left), "indexing")
        try:
            result = link(left, right, threshold=threshold, progress=tick, stage=stage, workers=workers,
                          joint=opts["joint"])
        finally:
            close()
        write_links(output, result.links)
        self.stdout.write(
            f"{len(left)} left rows, {len(right)} right rows, {result.candidate_pairs} candidate pairs, "
            f"{len(result.links)} links >= {threshold:g}, {time.monotonic() - started:.1f} s "
            f"({result.seconds:.1f} s linking) -> {opts['output']}")
