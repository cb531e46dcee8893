from django.urls import path

from lawtrace.orgs import views

urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("supervision/", views.supervision, name="supervision"),
    path("orgs/<int:pk>/", views.organisation_detail, name="organisation_detail"),
]
