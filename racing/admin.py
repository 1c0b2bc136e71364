from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from racing.models import (
    CompetitionClass,
    DriverProfile,
    EmergencyContact,
    Invitation,
    Licence,
    LicenceGrade,
    LicenceIssuer,
    Membership,
    Organization,
    Vehicle,
)
from racing.queries.drivers import licences_with_number


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "contact_email", "currency", "time_zone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "created_at", "accepted_at"]
    list_filter = ["role"]


class LicenceGradeInline(admin.TabularInline):
    model = LicenceGrade
    extra = 1


@admin.register(LicenceIssuer)
class LicenceIssuerAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "position"]
    search_fields = ["code", "name_zh", "name_en"]
    inlines = [LicenceGradeInline]


class EmergencyContactInline(admin.TabularInline):
    model = EmergencyContact
    extra = 0


@admin.register(DriverProfile)
class DriverProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "date_of_birth", "nationality"]
    search_fields = ["name_zh", "name_latin", "user__email"]
    raw_id_fields = ["user"]
    inlines = [EmergencyContactInline]


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["number", "profile", "issuer", "discipline", "grade", "valid_to", "verified_at"]
    list_filter = ["kind", "issuer", "discipline", "is_temporary", "issued_on_the_spot"]
    # The number is encrypted: a search also matches it whole through its keyed hash.
    search_fields = ["profile__name_latin", "profile__name_zh"]
    raw_id_fields = ["profile", "verified_by"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Licence], search_term: str
    ) -> tuple[QuerySet[Licence], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found |= queryset.filter(pk__in=licences_with_number(search_term).values("pk"))
        return found, may_have_duplicates


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "powertrain", "power_kw"]
    list_filter = ["powertrain"]
    search_fields = ["make", "model", "vin", "plate"]
    raw_id_fields = ["owner"]


@admin.register(CompetitionClass)
class CompetitionClassAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "tier", "discipline", "is_archived"]
    list_filter = ["tier", "discipline", "is_archived"]
    search_fields = ["name", "organization__name"]
