from django.urls import path

from lawtrace.ledger import views

urlpatterns = [
    path("supervision/ledger/", views.status, name="ledger_status"),
    path("supervision/ledger/verify/", views.verify_now, name="ledger_verify_now"),
    path("gongshi/ledger/<str:code>/keys.txt", views.public_keys, name="ledger_public_keys"),
    path("gongshi/ledger/<str:code>/checkpoint.txt", views.public_checkpoint, name="ledger_public_checkpoint"),
    path("gongshi/ledger/<str:code>/consistency.txt", views.public_consistency, name="ledger_public_consistency"),
]
