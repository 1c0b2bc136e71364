from django.urls import path

from racing.views import organizations

app_name = "racing"

urlpatterns = [
    path("organizer/", organizations.organizer_home, name="organizer-home"),
    path("organizer/new/", organizations.organization_create, name="organization-create"),
    path("organizer/<slug:slug>/", organizations.organization_detail, name="organization-detail"),
    path("organizer/<slug:slug>/edit/", organizations.organization_edit, name="organization-edit"),
    path(
        "organizer/<slug:slug>/invitations/",
        organizations.invitation_create,
        name="invitation-create",
    ),
    path("invitations/<str:token>/", organizations.invitation_accept, name="invitation-accept"),
]
