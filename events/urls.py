from django.urls import path

from events import results_urls, views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
]

urlpatterns += results_urls.urlpatterns
