from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """音像记录: body-camera video, audio and photos — stored by hash, checked on the way out, judged by rules."""

    name = "lawtrace.evidence"
    label = "evidence"
    verbose_name = "音像记录"
    default_auto_field = "django.db.models.BigAutoField"
