from django.urls import path

from live import views, views_results

app_name = "live"

urlpatterns = [
    path("live/<int:session_id>/", views.board, name="board"),
    path(
        "organizer/<slug:org_slug>/live/<int:live_id>/publish-results/",
        views_results.publish_results_view,
        name="publish-results",
    ),
]
