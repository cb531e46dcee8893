from django.urls import path

from lawtrace.documents import views

urlpatterns = [
    path("records/<int:pk>/document.pdf", views.document_pdf, name="record_document_pdf"),
]
