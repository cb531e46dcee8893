from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "lawtrace.records"
    verbose_name = "执法记录"
