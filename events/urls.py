from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
]

# Registration and payments.
from events import entry_management, entry_views  # noqa: E402

urlpatterns += [
    path("events/<slug:slug>/enter/", entry_views.entry_create, name="entry-create"),
    path("entries/", entry_views.my_entries, name="my-entries"),
    path("entries/<int:pk>/", entry_views.entry_detail, name="entry-detail"),
    path("entries/<int:pk>/pay/", entry_views.entry_pay, name="entry-pay"),
    path("entries/<int:pk>/paid/", entry_views.entry_paid, name="entry-paid"),
    path("entries/<int:pk>/cancel/", entry_views.entry_cancel, name="entry-cancel"),
    path("entries/<int:pk>/offer/", entry_views.entry_offer, name="entry-offer"),
    path("co-driver/<str:token>/", entry_views.co_driver_confirm, name="co-driver-confirm"),
    path("payments/stripe/webhook/", entry_views.stripe_webhook, name="stripe-webhook"),
    path(
        "organizer/<slug:org_slug>/events/<slug:slug>/entries/",
        entry_management.manage_entries,
        name="manage-entries",
    ),
    path(
        "organizer/<slug:org_slug>/events/<slug:slug>/entries.csv",
        entry_management.manage_entries_csv,
        name="manage-entries-csv",
    ),
    path(
        "organizer/<slug:org_slug>/events/<slug:slug>/entries/email/",
        entry_management.manage_entries_email,
        name="manage-entries-email",
    ),
    path(
        "organizer/<slug:org_slug>/events/<slug:slug>/entries/refund-all/",
        entry_management.manage_refund_cancelled_event,
        name="manage-refund-cancelled-event",
    ),
    path(
        "organizer/<slug:org_slug>/events/<slug:slug>/entries/<int:pk>/",
        entry_management.manage_entry,
        name="manage-entry",
    ),
    path(
        "organizer/<slug:org_slug>/events/<slug:slug>/entries/<int:pk>/<slug:action>/",
        entry_management.manage_entry_action,
        name="manage-entry-action",
    ),
]
