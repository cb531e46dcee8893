from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "lawtrace.orgs"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        from lawtrace.orgs import checks  # noqa: F401  (registers the deployment checks)
