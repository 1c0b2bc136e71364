from django.urls import path

from racing.views import classes, drivers, organizations, privacy

app_name = "racing"

urlpatterns = [
    path("privacy/", privacy.privacy_notice, name="privacy-notice"),
    path("driver/privacy/", privacy.my_privacy, name="my-privacy"),
    path("driver/privacy/withdraw/", privacy.consent_withdraw, name="consent-withdraw"),
    path("driver/privacy/my-data.zip", privacy.my_data_export, name="my-data-export"),
    path("driver/privacy/delete/", privacy.account_delete, name="account-delete"),
    path("organizer/", organizations.organizer_home, name="organizer-home"),
    path("organizer/new/", organizations.organization_create, name="organization-create"),
    path("organizer/<slug:slug>/", organizations.organization_detail, name="organization-detail"),
    path("organizer/<slug:slug>/edit/", organizations.organization_edit, name="organization-edit"),
    path(
        "organizer/<slug:slug>/invitations/",
        organizations.invitation_create,
        name="invitation-create",
    ),
    path(
        "organizer/<slug:slug>/invitations/<int:pk>/resend/",
        organizations.invitation_resend,
        name="invitation-resend",
    ),
    path("invitations/<str:token>/", organizations.invitation_accept, name="invitation-accept"),
    # A driver's own pages.
    path("driver/", drivers.profile, name="profile"),
    path("driver/profile/edit/", drivers.profile_edit, name="profile-edit"),
    path("driver/licences/", drivers.licence_list, name="licence-list"),
    path("driver/licences/new/", drivers.licence_edit, name="licence-create"),
    path("driver/licences/<int:pk>/edit/", drivers.licence_edit, name="licence-edit"),
    path("driver/licences/<int:pk>/delete/", drivers.licence_delete, name="licence-delete"),
    path("driver/licences/<int:pk>/document/", drivers.licence_document, name="licence-document"),
    path("driver/garage/", drivers.vehicle_list, name="vehicle-list"),
    path("driver/garage/new/", drivers.vehicle_edit, name="vehicle-create"),
    path("driver/garage/<int:pk>/edit/", drivers.vehicle_edit, name="vehicle-edit"),
    path("driver/garage/<int:pk>/delete/", drivers.vehicle_delete, name="vehicle-delete"),
    # Organizer pages for competition classes and entered drivers.
    path("organizer/<slug:org_slug>/classes/", classes.class_list, name="class-list"),
    path("organizer/<slug:org_slug>/classes/new/", classes.class_edit, name="class-create"),
    path(
        "organizer/<slug:org_slug>/classes/<slug:class_slug>/",
        classes.class_detail,
        name="class-detail",
    ),
    path(
        "organizer/<slug:org_slug>/classes/<slug:class_slug>/edit/",
        classes.class_edit,
        name="class-edit",
    ),
    path(
        "organizer/<slug:org_slug>/classes/<slug:class_slug>/archive/",
        classes.class_archive,
        name="class-archive",
    ),
    path(
        "organizer/<slug:org_slug>/drivers/<int:profile_id>/",
        classes.organizer_driver,
        name="organizer-driver",
    ),
    path(
        "organizer/<slug:org_slug>/drivers/<int:profile_id>/reveal/",
        classes.organizer_driver_reveal,
        name="organizer-driver-reveal",
    ),
    path(
        "organizer/<slug:org_slug>/drivers/<int:profile_id>/licences/<int:licence_id>/verify/",
        classes.licence_verify,
        name="licence-verify",
    ),
    path(
        "organizer/<slug:org_slug>/drivers/<int:profile_id>/licences/<int:licence_id>/document/",
        classes.organizer_licence_document,
        name="organizer-licence-document",
    ),
]
