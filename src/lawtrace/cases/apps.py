from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lawtrace.cases"
    verbose_name = "案件"
