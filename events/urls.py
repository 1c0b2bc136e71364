from django.urls import URLPattern, URLResolver, include, path

from events.views import (
    audit,
    calendar,
    championships,
    efficiency,
    fapiao,
    karting,
    mail,
    officials,
    organizer,
    public,
    regularity,
    results,
    timed_runs,
)
from events.views import entries as entry_views
from events.views import manage_entries as entry_management
from events.views import merchants as merchant_views
from events.views import payments as payment_views

app_name = "events"

CONTROL = "controls/<int:control_id>/"

# Under organizer/<org>/events/<slug>/route/<session_id>/
route_patterns = [
    path("", regularity.route_manage, name="route-manage"),
    path("controls/new/", regularity.control_form, name="control-create"),
    path(f"{CONTROL}edit/", regularity.control_form, name="control-edit"),
    path(f"{CONTROL}remove/", regularity.control_remove, name="control-remove"),
    path(f"{CONTROL}revoke/", regularity.control_revoke, name="control-revoke"),
    path(f"{CONTROL}qr.svg", regularity.control_qr, name="control-qr"),
    path("publish/", regularity.route_publish, name="route-publish"),
    path("results/", regularity.route_results, name="route-results"),
    path("rules/", regularity.route_rules, name="route-rules"),
    path("card/", regularity.route_card_print, name="route-card-print"),
    path("stamps/", regularity.stamps_manage, name="stamps-manage"),
    path("crews/", regularity.crews_manage, name="crews-manage"),
    path("roll-call/", regularity.roll_call, name="roll-call"),
]

organizer_event_patterns: list[URLPattern | URLResolver] = [
    path("", organizer.event_manage, name="manage-event"),
    path("edit/", organizer.event_edit, name="event-edit"),
    path("publish/", organizer.event_publish, name="event-publish"),
    path("cancel/", organizer.event_cancel, name="event-cancel"),
    path("duplicate/", organizer.event_duplicate, name="event-duplicate"),
    path("sessions/new/", organizer.session_form, name="session-create"),
    path("sessions/<int:pk>/edit/", organizer.session_form, name="session-edit"),
    path("sessions/<int:pk>/delete/", organizer.session_delete, name="session-delete"),
    path("classes/new/", organizer.entry_class_form, name="class-create"),
    path("classes/<int:pk>/edit/", organizer.entry_class_form, name="class-edit"),
    path("classes/<int:pk>/delete/", organizer.entry_class_delete, name="class-delete"),
    path("audit/", audit.manage_audit, name="manage-audit"),
    path("audit.csv", audit.manage_audit_csv, name="manage-audit-csv"),
    path("mail/resend/", mail.manage_mail_resend, name="manage-mail-resend"),
    path("officials/", officials.event_officials, name="event-officials"),
    path(
        "officials/<int:pk>/remove/", officials.event_official_remove, name="event-official-remove"
    ),
    path("fapiao/", fapiao.fapiao_queue, name="fapiao-queue"),
    path("fapiao.<str:fmt>", fapiao.fapiao_export, name="fapiao-export"),
    path("fapiao/<int:pk>/issue/", fapiao.fapiao_issue, name="fapiao-issue"),
    path("fapiao/<int:pk>/reverse/", fapiao.fapiao_reverse, name="fapiao-reverse"),
    path("fapiao/<int:pk>/file/", fapiao.fapiao_file, name="fapiao-file"),
    path("route/<int:session_id>/", include(route_patterns)),
]

MANAGE = "organizer/<slug:org_slug>/events/<slug:slug>/results/"

results_patterns = [
    path("help/results-csv/", results.results_csv_guide, name="results-csv-guide"),
    path("events/<slug:slug>/results/", results.event_results, name="event-results"),
    path(
        "events/<slug:slug>/results/<int:session_id>/",
        results.session_results,
        name="session-results",
    ),
    path(
        "events/<slug:slug>/results/<int:session_id>/print/",
        results.session_results_print,
        name="session-results-print",
    ),
    path(
        "events/<slug:slug>/results/<int:session_id>/results.csv",
        results.session_results_csv,
        name="session-results-csv",
    ),
    path("drivers/<int:user_id>/results/", results.driver_results, name="driver-results"),
    path(MANAGE, results.results_manage, name="results-manage"),
    path(f"{MANAGE}<int:session_id>/edit/", results.results_edit, name="results-edit"),
    path(f"{MANAGE}<int:session_id>/upload/", results.results_upload, name="results-upload"),
    path(f"{MANAGE}<int:session_id>/laps/", results.laps_upload, name="laps-upload"),
    path(
        "organizer/<slug:org_slug>/events/<slug:slug>/runs/<int:session_id>/",
        timed_runs.timed_runs,
        name="timed-runs",
    ),
    path(
        "organizer/<slug:org_slug>/events/<slug:slug>/runs/<int:session_id>/official/",
        timed_runs.timed_runs_official,
        name="timed-runs-official",
    ),
    path(
        f"{MANAGE}<int:session_id>/official/",
        results.results_official,
        name="results-official",
    ),
    path(f"{MANAGE}karting/", karting.kart_meeting, name="kart-meeting"),
    path(
        f"{MANAGE}<int:session_id>/efficiency/",
        efficiency.efficiency_entry,
        name="efficiency-entry",
    ),
    path("events/<slug:slug>/grids/<int:session_id>/", karting.kart_grid, name="kart-grid"),
    path(
        "events/<slug:slug>/efficiency/<int:session_id>/",
        efficiency.efficiency_board,
        name="efficiency-board",
    ),
    path("championships/", championships.championship_list, name="championship-list"),
    path(
        "championships/<slug:slug>/",
        championships.championship_detail,
        name="championship-detail",
    ),
    path(
        "organizer/<slug:org_slug>/championships/",
        championships.championship_manage_list,
        name="championship-manage-list",
    ),
    path(
        "organizer/<slug:org_slug>/championships/<slug:slug>/",
        championships.championship_manage,
        name="championship-manage",
    ),
    path(
        "organizer/<slug:org_slug>/championships/<slug:slug>/rounds/",
        championships.championship_round_add,
        name="championship-round-add",
    ),
    path(
        "organizer/<slug:org_slug>/championships/<slug:slug>/rounds/<int:round_id>/remove/",
        championships.championship_round_remove,
        name="championship-round-remove",
    ),
    path(
        "organizer/<slug:org_slug>/championships/<slug:slug>/season/",
        championships.championship_season,
        name="championship-season",
    ),
    path(
        "organizer/<slug:org_slug>/championships/<slug:slug>/promotion-exceptions/",
        championships.championship_promotion_exception,
        name="championship-promotion-exception",
    ),
]


urlpatterns = [
    path("", public.home, name="home"),
    path("events/", public.event_list, name="event-list"),
    path("events/<slug:slug>/", public.event_detail, name="event-detail"),
    path("events/<slug:slug>/calendar.ics", calendar.event_ics, name="event-ics"),
    path("calendar/tier/<str:tier>.ics", calendar.tier_feed, name="tier-feed"),
    path(
        "calendar/organizer/<slug:slug>.ics", calendar.organization_feed, name="organization-feed"
    ),
    path("calendar/me/", calendar.personal_calendar, name="personal-calendar"),
    path("calendar/token/<str:token>.ics", calendar.personal_feed, name="personal-feed"),
    path("organizer/<slug:org_slug>/events/", organizer.event_list, name="manage-events"),
    path("organizer/<slug:org_slug>/private-data/", officials.retention, name="retention-schedule"),
    path(
        "organizer/<slug:org_slug>/payments/",
        merchant_views.merchant_settings,
        name="merchant-settings",
    ),
    path(
        "organizer/<slug:org_slug>/payments/<str:provider>/test/",
        merchant_views.merchant_test,
        name="merchant-test",
    ),
    path("organizer/<slug:org_slug>/events/new/", organizer.event_create, name="event-create"),
    path("organizer/<slug:org_slug>/events/<slug:slug>/", include(organizer_event_patterns)),
]


urlpatterns += [
    path("events/<slug:slug>/enter/", entry_views.entry_create, name="entry-create"),
    path("entries/", entry_views.my_entries, name="my-entries"),
    path("entries/<int:pk>/", entry_views.entry_detail, name="entry-detail"),
    path("entries/<int:pk>/pay/", entry_views.entry_pay, name="entry-pay"),
    path("entries/<int:pk>/paid/", entry_views.entry_paid, name="entry-paid"),
    path("entries/<int:pk>/fapiao/", fapiao.entry_fapiao, name="entry-fapiao"),
    path("entries/<int:pk>/fapiao/file/", fapiao.entry_fapiao_file, name="entry-fapiao-file"),
    path(
        "entries/<int:pk>/deposit-authorised/",
        entry_views.entry_deposit_authorised,
        name="entry-deposit-authorised",
    ),
    path("entries/<int:pk>/cancel/", entry_views.entry_cancel, name="entry-cancel"),
    path("entries/<int:pk>/offer/", entry_views.entry_offer, name="entry-offer"),
    path("co-driver/<str:token>/", entry_views.co_driver_confirm, name="co-driver-confirm"),
    path("payments/stripe/webhook/", entry_views.stripe_webhook, name="stripe-webhook"),
    path(
        "entries/<int:pk>/pay/wechat/<int:payment_id>/",
        payment_views.wechatpay_qr,
        name="entry-pay-wechat",
    ),
    path(
        "entries/<int:pk>/pay/wechat/signed-in/",
        payment_views.wechatpay_signed_in,
        name="entry-pay-wechat-signed-in",
    ),
    path(
        "payments/wechatpay/<int:account_id>/notify/",
        payment_views.wechatpay_notify,
        name="wechatpay-notify",
    ),
    path(
        "payments/alipay/<int:account_id>/notify/",
        payment_views.alipay_notify,
        name="alipay-notify",
    ),
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
        "organizer/<slug:org_slug>/events/<slug:slug>/entries/check-in/",
        entry_management.manage_entries_check_in,
        name="manage-entries-check-in",
    ),
    path(
        "organizer/<slug:org_slug>/events/<slug:slug>/entries/refund-policy/",
        entry_management.manage_refund_policy,
        name="manage-refund-policy",
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
        "organizer/<slug:org_slug>/events/<slug:slug>/entries/<int:pk>/deposit/<slug:action>/",
        entry_management.manage_deposit,
        name="manage-deposit",
    ),
    path(
        "organizer/<slug:org_slug>/events/<slug:slug>/entries/<int:pk>/<slug:action>/",
        entry_management.manage_entry_action,
        name="manage-entry-action",
    ),
]

urlpatterns += [path("", include(results_patterns))]

urlpatterns += [
    path("control/<str:token>/", regularity.control_page, name="control-page"),
    path("control/<str:token>/sync/", regularity.control_sync, name="control-sync"),
    path("passport/<str:token>/", regularity.passport, name="passport"),
    path("waypoint/<str:token>/", regularity.waypoint, name="waypoint"),
    path(
        "events/<slug:slug>/route/<int:session_id>/",
        regularity.route_card_public,
        name="route-card",
    ),
    path(
        "events/<slug:slug>/regularity/<int:session_id>/",
        regularity.standings,
        name="regularity-standings",
    ),
    path(
        "events/<slug:slug>/regularity/<int:session_id>/crews/<int:number>/",
        regularity.crew_detail,
        name="crew-detail",
    ),
]
