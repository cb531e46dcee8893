from django.urls import path

from lawtrace.leads import views

urlpatterns = [
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/new/", views.register_lead, name="lead_register"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/extend/", views.extend, name="lead_extend"),
    path("leads/<int:pk>/not-open/", views.not_open, name="lead_not_open"),
    path("leads/<int:pk>/open-case/", views.open_case, name="lead_open_case"),
]
