from django.urls import path

from lawtrace.documents import public_views, views

urlpatterns = [
    path("records/<int:pk>/document.pdf", views.document_pdf, name="record_document_pdf"),
    path("records/<int:pk>/document.docx", views.document_docx, name="record_document_docx"),
    path("cases/<int:pk>/file/documents.pdf", views.case_documents, name="case_documents_pdf"),
    path("gongshi/verify/", public_views.lookup, name="document_lookup"),
    path("gongshi/verify/<str:code>/", public_views.verify, name="document_verify"),
    path("gongshi/verify/<str:code>/proof.json", public_views.proof, name="document_verify_proof"),
]
