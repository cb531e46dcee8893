"""``/gongshi/`` is the public portal (no sign-in); ``/disclosure/`` the publication workflow inside the system."""

from django.urls import path

from lawtrace.disclosure import public_views, views
from lawtrace.disclosure.feeds import PublicFeed

urlpatterns = [
    # public
    path("gongshi/", public_views.index, name="disclosure_public_index"),
    path("gongshi/org/<int:pk>/", public_views.organisation, name="disclosure_public_org"),
    path("gongshi/decisions/", public_views.decisions, name="disclosure_public_decisions"),
    path("gongshi/items/<int:pk>/", public_views.item, name="disclosure_public_item"),
    path("gongshi/items/<int:pk>/v<int:number>/", public_views.item, name="disclosure_public_version"),
    path("gongshi/items/<int:pk>/correction/", public_views.correction, name="disclosure_public_correction"),
    path("gongshi/org/<int:pk>/annual/<int:year>/", public_views.annual_report, name="disclosure_public_annual"),
    path("gongshi/org/<int:pk>/annual/<int:year>.csv", public_views.annual_csv, name="disclosure_public_annual_csv"),
    path("gongshi/org/<int:pk>/annual/<int:year>.json", public_views.annual_json, name="disclosure_public_annual_json"),
    path("gongshi/feed.atom", PublicFeed(), name="disclosure_public_feed"),
    # inside the system
    path("disclosure/", views.queue, name="disclosure_queue"),
    path("disclosure/overdue/", views.overdue, name="disclosure_overdue"),
    path("disclosure/before/new/", views.new_before_item, name="disclosure_before_new"),
    path("disclosure/annual/new/", views.new_annual_report, name="disclosure_annual_new"),
    path("disclosure/items/<int:pk>/", views.item_detail, name="disclosure_item"),
    path("disclosure/items/<int:pk>/revise/", views.revise, name="disclosure_revise"),
    path("disclosure/items/<int:pk>/submit/", views.submit, name="disclosure_submit"),
    path("disclosure/items/<int:pk>/publish/", views.publish, name="disclosure_publish"),
    path("disclosure/items/<int:pk>/withhold/", views.withhold, name="disclosure_withhold"),
    path("disclosure/items/<int:pk>/withdrawal/", views.register_withdrawal, name="disclosure_register_withdrawal"),
    path("disclosure/items/<int:pk>/withdraw/", views.withdraw, name="disclosure_withdraw"),
    path("disclosure/items/<int:pk>/reaction/", views.reaction, name="disclosure_reaction"),
    path("disclosure/corrections/<int:pk>/", views.answer, name="disclosure_answer"),
]
