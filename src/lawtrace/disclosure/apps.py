from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    """行政执法公示: the public portal, the publication workflow, corrections and withdrawals (IMD-4…IMD-12)."""

    name = "lawtrace.disclosure"
    label = "disclosure"
    verbose_name = "行政执法公示"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lawtrace.disclosure import receivers  # noqa: F401  (a party's change re-scans the case's public items)
