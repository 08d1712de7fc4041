from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "homeward.intake"
    label = "intake"
