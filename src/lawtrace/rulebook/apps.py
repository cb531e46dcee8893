from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "lawtrace.rulebook"
    verbose_name = "规则集与工作日日历"

    def ready(self) -> None:
        from lawtrace.rulebook import loader, overlays

        loader.set_overlay_source(overlays.apply)  # versions such as 2025.1+o7.42.3 (IMR-26 / IMD-13)
