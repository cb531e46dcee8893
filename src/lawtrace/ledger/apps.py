from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "lawtrace.ledger"
    verbose_name = "执法记录台账（防篡改日志）"
