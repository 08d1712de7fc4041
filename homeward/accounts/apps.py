from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "homeward.accounts"
    label = "accounts"

    def ready(self):
        from homeward import checks  # noqa: F401  (registers the deployment checks)
