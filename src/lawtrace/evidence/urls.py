from django.urls import path

from lawtrace.evidence import upload_views, views

urlpatterns = [
    path("cases/<int:case_pk>/av/", views.av_list, name="evidence_av_list"),
    path("cases/<int:case_pk>/av/new/", views.av_new, name="evidence_av_new"),
    path("av/<int:pk>/", views.av_detail, name="evidence_av_detail"),
    path("av/<int:pk>/upload/", views.av_upload, name="evidence_av_upload"),
    path("av/<int:pk>/transcript/", views.av_transcript, name="evidence_av_transcript"),
    path("av/<int:pk>/return/", views.av_return, name="evidence_av_return"),
    path("av/<int:pk>/gap/", views.av_gap, name="evidence_av_gap"),
    path("av/<int:pk>/confirm/", views.av_confirm, name="evidence_av_confirm"),
    path("av/<int:pk>/assign/", views.av_assign, name="evidence_av_assign"),
    path("av/files/<int:pk>/play/", views.file_play, name="evidence_file_play"),
    path("av/files/<int:pk>/download/", views.file_download, name="evidence_file_download"),
    path("av/files/<int:pk>/fixity/", views.file_fixity, name="evidence_file_fixity"),
    path("av/files/<int:pk>/poster.jpg", views.file_poster, name="evidence_file_poster"),
    path("av/<int:av_pk>/tus/", upload_views.collection, name="evidence_tus_collection"),
    path("av/tus/<str:pk>/", upload_views.item, name="evidence_tus_item"),
]
