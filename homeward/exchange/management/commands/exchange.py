"""homeward exchange export|import|review: request lists out, response lists in, auto links accepted."""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.access.rules import RECORDING
from homeward.accounts.models import Office, Partner, User
from homeward.exchange import services
from homeward.exchange.models import Ask, Response
from homeward.registry.models import Case
from tabular import parse_mapping


def recording_officer(username: str) -> User:
    """The officer an import is recorded against, as if they had imported the file on its page."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"no active user {username!r}")
    if user.role not in RECORDING:
        raise CommandError(f"{username!r} is not an officer: only officers import response lists")
    return user


def partner_of(code: str) -> Partner:
    try:
        return Partner.objects.get(code=code)
    except Partner.DoesNotExist:
        raise CommandError(f"no partner {code!r}; add it with 'homeward partner add'") from None


class Command(BaseCommand):
    help = "Exchange lists with a partner agency: export a request, import a response, accept auto links."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write a request list (only cases with consent to share)")
        export.add_argument("--partner", required=True)
        export.add_argument("--ask", required=True, choices=Ask.values)
        export.add_argument("-o", "--output", required=True, help=".xlsx or .csv file")
        export.add_argument("--encoding", default="utf-8", choices=services.CSV_ENCODINGS,
                            help="for CSV (';' between cells; UTF-8 with a BOM, as Excel wants it)")
        export.add_argument("--status", action="append", default=[], help="only cases with this status")
        export.add_argument("--office", help="only cases of this office (code)")
        export.add_argument("--origin", help="only cases of this origin country")
        export.add_argument("--reference", action="append", default=[], help="only these cases")
        export.add_argument("--open-discrepancies", action="store_true",
                            help="the cases of the open discrepancies with this partner, asked to re-check")
        imp = sub.add_parser("import", help="import a response list")
        imp.add_argument("--partner", required=True)
        imp.add_argument("file")
        imp.add_argument("--format", choices=["text", "json"], default="text")
        imp.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD",
                         help="read column HEADER as FIELD (repeatable), e.g. --map 'Фамилия и имя=full_name'")
        imp.add_argument("--by", metavar="USERNAME",
                         help="the officer importing: recorded as the importer, and host-only rows that give no "
                              "citizenship are shown to officers of their country (as on the import page)")
        review = sub.add_parser("review", help="decide on proposed links")
        review.add_argument("--accept-auto", action="store_true", required=True,
                            help="accept every auto-proposed link of the open responses")
        review.add_argument("--partner", help="only this partner's responses")

    def handle(self, *args, **opts):
        try:
            {"export": self.export, "import": self.import_file, "review": self.review}[opts["action"]](opts)
        except services.ExchangeError as exc:
            raise CommandError("\n".join(exc.errors)) from None

    def export(self, opts):
        partner = partner_of(opts["partner"])
        output = Path(opts["output"])
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError("the output file must end in .xlsx or .csv")
        cases = Case.objects.all()
        if opts["status"]:
            cases = cases.filter(status__in=opts["status"])
        if opts["office"]:
            if not Office.objects.filter(code=opts["office"]).exists():
                raise CommandError(f"no office {opts['office']!r}")
            cases = cases.filter(office__code=opts["office"])
        if opts["origin"]:
            cases = cases.filter(origin_country=opts["origin"].upper())
        if opts["reference"]:
            cases = cases.filter(reference__in=opts["reference"])
        if opts["open_discrepancies"]:
            exported = services.recheck_request(partner=partner, cases=cases, fmt=fmt, encoding=opts["encoding"])
        else:
            exported = services.export_request(partner=partner, ask=opts["ask"], cases=cases, fmt=fmt,
                                               encoding=opts["encoding"], file_name=output.name)
        output.write_bytes(exported.content)
        self.stdout.write(f"wrote {exported.export.cases.count()} cases to {output} "
                          f"(request {exported.export.pk}, sha256 {exported.export.file_sha256})")

    def import_file(self, opts):
        partner = partner_of(opts["partner"])
        by = recording_officer(opts["by"]) if opts["by"] else None
        try:
            mapping = parse_mapping(opts["map"])
        except ValueError as exc:
            raise CommandError(f"bad --map value: {exc}") from None
        path = Path(opts["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path} cannot be read: {exc.strerror}") from None
        result = services.import_response(partner=partner, content=content, file_name=path.name, mapping=mapping,
                                          by=by)
        for error in result.errors:
            self.stderr.write(error)
        if opts["format"] == "json":
            self.stdout.write(json.dumps(result.counts))
        else:
            if result.already_imported:
                self.stdout.write(f"{path.name} was already imported (response {result.response.pk}); nothing changed")
            labels = [("by_reference", "linked by reference"), ("auto", "auto"), ("review", "for review"),
                      ("host_only", "host-only"), ("errors", "errors")]
            for key, label in labels:
                self.stdout.write(f"{label}: {result.counts[key]}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported")

    def review(self, opts):
        responses = Response.objects.filter(is_open=True)
        if opts["partner"]:
            responses = responses.filter(partner=partner_of(opts["partner"]))
        self.stdout.write(f"accepted {services.accept_auto(responses=responses)} auto-proposed links")
