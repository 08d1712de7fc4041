"""homeward partner add RU-MOD --name ... --country RU --language ru; homeward partner list."""
from django.core.management.base import BaseCommand, CommandError

from homeward.accounts.models import Partner
from homeward.exchange import services


class Command(BaseCommand):
    help = "Manage the partner agencies that Homeward exchanges lists with."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a partner agency")
        add.add_argument("code", help="short code such as RU-MOD")
        add.add_argument("--name", required=True)
        add.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 code, e.g. RU")
        add.add_argument("--language", default="ru")
        add.add_argument("--auto-threshold", type=float)
        add.add_argument("--review-threshold", type=float)
        sub.add_parser("list", help="list partner agencies")

    def handle(self, *args, **opts):
        if opts["action"] == "list":
            for p in Partner.objects.order_by("code"):
                auto, review = services.thresholds(p)
                self.stdout.write(f"{p.code}\t{p.country}\t{p.language}\t{p.name}\tauto ≥ {auto}, review ≥ {review}")
            return
        try:
            partner = services.add_partner(code=opts["code"], name=opts["name"], country=opts["country"],
                                           language=opts["language"])
            if opts["auto_threshold"] is not None or opts["review_threshold"] is not None:
                auto, review = services.thresholds(partner)
                services.set_thresholds(partner, auto=opts["auto_threshold"] if opts["auto_threshold"] is not None else auto,
                                        review=opts["review_threshold"] if opts["review_threshold"] is not None else review)
        except services.ExchangeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"added partner {partner.code}: {partner.name}")
