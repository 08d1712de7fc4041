"""homeward dedupe FILE -o CLUSTERS.csv: group the rows of one list that are the same person."""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from homeward.identification.files import FORMULA_NOTE, Output, progress_bar, read_records, write_clusters
from homeward.identification.management.commands.link import probability
from matching import dedupe


class Command(BaseCommand):
    help = ("Find duplicate people in one list; writes id,cluster_id (singletons get their own cluster). "
            + FORMULA_NOTE)
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the list (CSV or XLSX)")
        parser.add_argument("-o", "--output", required=True,
                            help="CSV file (UTF-8) to write id,cluster_id to; ids that look like formulas get "
                                 "an apostrophe in front")
        parser.add_argument("--threshold", default="0.5", help="minimum match probability (default 0.5)")
        parser.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD",
                            help="map a column to a field, e.g. 'Name of person=full_name'")

    def handle(self, *args, **opts):
        started = time.monotonic()
        threshold = probability(str(opts["threshold"]))
        output = Output(opts["output"])   # before the input: a long run must not end in "cannot write"
        records = read_records(opts["file"], opts["map"], warn=lambda msg: self.stderr.write(msg))
        tick, stage, close = progress_bar(2 * len(records), "indexing")
        try:
            result = dedupe(records, threshold=threshold, progress=tick, stage=stage)
        finally:
            close()
        write_clusters(output, result.clusters)
        n_clusters = len(set(result.clusters.values()))
        self.stdout.write(
            f"{len(records)} rows, {result.candidate_pairs} candidate pairs, {len(result.links)} links, "
            f"{n_clusters} clusters, {time.monotonic() - started:.1f} s ({result.seconds:.1f} s matching) "
            f"-> {opts['output']}")
