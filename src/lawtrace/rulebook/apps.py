from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "lawtrace.rulebook"
    verbose_name = "规则集与工作日日历"
