from django.urls import path

from live import views

app_name = "live"

urlpatterns = [
    path("live/<int:session_id>/", views.board, name="board"),
]
