from django.urls import path

from lawtrace.records import views

urlpatterns = [
    path("cases/<int:case_pk>/records/new/<slug:kind>/", views.new_record, name="record_new"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/sign/", views.sign, name="record_sign"),
    path("records/<int:pk>/attachments/", views.add_attachment, name="record_attach"),
    path("records/attachments/<int:pk>/", views.attachment_file, name="record_attachment"),
]
