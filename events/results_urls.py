"""Results and championship URLs, added to the events namespace by events/urls.py."""

from django.urls import path

from events import views_championships as championships
from events import views_results as results

MANAGE = "organizer/<slug:org_slug>/events/<slug:slug>/results/"

urlpatterns = [
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
        f"{MANAGE}<int:session_id>/official/",
        results.results_official,
        name="results-official",
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
