"""The URLs of bench/rush_settings.py: Paddock's, plus the signed-in baseline view."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import path
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as paddock_urlpatterns
from events.models import EntryClass


@require_POST
def signed_in(request: HttpRequest, class_id: int) -> HttpResponse:
    """A POST through the whole middleware stack (session, user, CSRF), and one indexed read."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    capacity = EntryClass.objects.filter(pk=class_id).values_list("capacity", flat=True).first()
    return HttpResponse(f"{request.user.pk} {capacity}")


urlpatterns = [path("bench/signed-in/<int:class_id>/", signed_in), *paddock_urlpatterns]
