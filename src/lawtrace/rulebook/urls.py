from django.urls import path

from lawtrace.rulebook import parameter_views, views

urlpatterns = [
    path("cases/<int:pk>/checklist/<str:rule_id>/confirm/", views.case_confirm, name="checklist_case_confirm"),
    path("records/<int:pk>/av-omission/", views.av_omission, name="checklist_av_omission"),
    path("orgs/<int:pk>/checklist/<str:rule_id>/confirm/", views.organisation_confirm, name="checklist_org_confirm"),
    path("orgs/<int:pk>/parameters/", parameter_views.organisation_parameters, name="organisation_parameters"),
]
