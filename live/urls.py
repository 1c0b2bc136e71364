from django.urls import path

from live.views import board as views
from live.views import racecontrol as views_racecontrol
from live.views import results as views_results
from live.views import timing as views_timing
from live.views import transponders as views_transponders

app_name = "live"

urlpatterns = [
    path("live/<int:session_id>/", views.board, name="board"),
    path(
        "live/<int:session_id>/race-control/",
        views_racecontrol.race_control_public,
        name="race-control-log",
    ),
    path("live/<int:session_id>/cars/<str:car_key>/", views_racecontrol.car, name="car"),
    path("live/records/", views_racecontrol.records, name="records"),
    path(
        "organizer/<slug:org_slug>/live/<int:live_id>/race-control/",
        views_racecontrol.race_control,
        name="race-control",
    ),
    path(
        "organizer/<slug:org_slug>/live/<int:live_id>/race-control/post/",
        views_racecontrol.race_control_post,
        name="race-control-post",
    ),
    path(
        "organizer/<slug:org_slug>/live/<int:live_id>/race-control/pit/",
        views_racecontrol.race_control_pit,
        name="race-control-pit",
    ),
    path(
        "organizer/<slug:org_slug>/live/<int:live_id>/race-control/<int:message_id>/withdraw/",
        views_racecontrol.race_control_withdraw,
        name="race-control-withdraw",
    ),
    path("live/<int:session_id>/replay/", views.replay, name="replay"),
    path("live/<int:session_id>/replay/deltas/", views.replay_deltas_view, name="replay-deltas"),
    path("organizer/<slug:org_slug>/live/", views_timing.timing_home, name="timing"),
    path(
        "organizer/<slug:org_slug>/live/sessions/<int:session_id>/start/",
        views_timing.timing_start,
        name="timing-start",
    ),
    path(
        "organizer/<slug:org_slug>/live/<int:live_id>/finish/",
        views_timing.timing_finish,
        name="timing-finish",
    ),
    path(
        "organizer/<slug:org_slug>/live/<int:live_id>/encoding/",
        views_timing.timing_encoding,
        name="timing-encoding",
    ),
    path(
        "organizer/<slug:org_slug>/live/<int:live_id>/transponders/",
        views_transponders.transponders,
        name="transponders",
    ),
    path(
        "organizer/<slug:org_slug>/live/<int:live_id>/transponders/add/",
        views_transponders.transponder_add,
        name="transponder-add",
    ),
    path(
        "organizer/<slug:org_slug>/live/<int:live_id>/transponders/<int:mapping_id>/",
        views_transponders.transponder_edit,
        name="transponder-edit",
    ),
    path(
        "organizer/<slug:org_slug>/live/<int:live_id>/transponders/<int:mapping_id>/remove/",
        views_transponders.transponder_remove,
        name="transponder-remove",
    ),
    path(
        "organizer/<slug:org_slug>/live/<int:live_id>/publish-results/",
        views_results.publish_results_view,
        name="publish-results",
    ),
]
