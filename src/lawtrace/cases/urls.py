from django.urls import path

from lawtrace.cases import application_views, case_file_views, views

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.register_case, name="case_register"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/advance/", views.advance, name="case_advance"),
    path("cases/<int:pk>/opening-request/", views.opening_request, name="case_opening_request"),
    path("cases/<int:pk>/unit-opinion/", views.unit_opinion, name="case_unit_opinion"),
    path("cases/<int:pk>/decide-opening/", views.decide_opening, name="case_decide_opening"),
    path("cases/<int:pk>/withdraw/", views.withdraw, name="case_withdraw"),
    path("cases/<int:pk>/recuse/", views.recuse, name="case_recuse"),
    path("cases/<int:pk>/handlers/", views.add_handler, name="case_add_handler"),
    path("cases/<int:pk>/file/", case_file_views.case_file, name="case_file"),
    path("cases/<int:pk>/file/records/<int:record_pk>/mark/", case_file_views.mark, name="case_file_mark"),
    path("cases/<int:pk>/file/review/", case_file_views.review, name="case_file_review"),
    path("cases/<int:pk>/file/access/", case_file_views.access_request, name="case_file_access"),
    path(
        "cases/<int:pk>/file/access/<int:request_pk>/decide/",
        case_file_views.access_decision,
        name="case_file_access_decide",
    ),
    path("cases/<int:pk>/file/access/<int:request_pk>/read/", case_file_views.reading, name="case_file_read"),
    path("supervision/compliance/", views.compliance_dashboard, name="compliance_dashboard"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("applications/", application_views.application_list, name="application_list"),
    path("applications/new/", application_views.register_application, name="application_register"),
    path("applications/<int:pk>/", application_views.application_detail, name="application_detail"),
    path("applications/<int:pk>/correction/", application_views.request_correction, name="application_correction"),
    path("applications/<int:pk>/corrected/", application_views.correction_received, name="application_corrected"),
    path("applications/<int:pk>/reject/", application_views.reject, name="application_reject"),
    path("complaints/new/", views.register_complaint, name="complaint_register"),
    path("complaints/<int:pk>/decline/", views.decline_complaint, name="complaint_decline"),
]
