from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "lawtrace.documents"
    label = "documents"
    verbose_name = "执法文书"
    default_auto_field = "django.db.models.BigAutoField"
