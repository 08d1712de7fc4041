from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "homeward.identification"
    label = "identification"
