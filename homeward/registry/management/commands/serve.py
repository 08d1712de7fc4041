from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from homeward.demo.scenario import DEMO_PASSWORD, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = "Migrate the database, load the demo caseload (fictional people) and run the web app."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo caseload")

    def handle(self, *args, addrport, no_demo, **options):
        if settings.PRODUCTION and not no_demo:
            raise CommandError("HOMEWARD_PRODUCTION is set: the demo caseload and its accounts, whose password is "
                               "public, are never loaded into a real registry; run with --no-demo")
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if not no_demo:
            created = seed_demo()
            self.stdout.write("Demo caseload loaded (fictional people)." if created else "Demo caseload already loaded.")
            self.stdout.write(f"Log in at http://{addrport}/ with any of these users, password {DEMO_PASSWORD!r}:")
            for user in DEMO_USERS:
                self.stdout.write(f"  {user.username:10} {user.role}")
        call_command("runserver", addrport, use_reloader=False, insecure_serving=True)
