from django.urls import path

from lawtrace.orgs import views

urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("accounts/password/", views.own_password, name="own_password"),
    path("accounts/otp/", views.otp_verify, name="otp_verify"),
    path("accounts/otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("supervision/", views.supervision, name="supervision"),
    path("orgs/<int:pk>/", views.organisation_detail, name="organisation_detail"),
]
