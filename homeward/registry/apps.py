from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "homeward.registry"
    label = "registry"
