from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "lawtrace.leads"
    verbose_name = "线索"
