from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from homeward.api.tokens import issue_token


class Command(BaseCommand):
    help = "Issue an API key for a user (e.g. a partner system's account). The key is printed once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the key is for, e.g. 'RU-MOD upload system'")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        self.stdout.write(issue_token(user, name))
