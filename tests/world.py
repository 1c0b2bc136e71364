"""A small but complete Paddock world, for tests that sweep every page or the whole API.

Two organizations with their staff, a driver whose private fields hold unique marker strings, a
second driver, an upcoming event the driver has entered, a finished event with official results,
a championship and a live session. Tests that sweep routes build URL arguments from it and search
every response for the markers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from racing.models import Invitation, Membership, Organization

# Each marker is a string no page would print by chance. Grouped by whose data it is.
DRIVER_PRIVATE = {
    "id_number": "E9MARKIDNUMBER1",
    "phone": "+86 139 MARKPHONE",
    "medical_notes": "MARKMEDICAL penicillin allergy",
    "guardian_name": "MARKGUARDIAN Li",
    "guardian_phone": "+86 138 MARKGUARDPHONE",
    "guardian_id_number": "MARKGUARDIANID77",
    "emergency_phone": "+86 137 MARKEMERGENCY",
}
DRIVER_EMAIL = "mark.driver.private@example.test"
OTHER_DRIVER_EMAIL = "mark.other.driver@example.test"
OWNER_EMAIL = "mark.owner@club.test"
STAFF_EMAIL = "mark.staff@club.test"
RIVAL_EMAIL = "mark.rival@other.test"
CO_DRIVER_EMAIL = "mark.navigator@example.test"
INVITEE_EMAIL = "mark.invitee@club.test"


@dataclass
class World:
    owner: Any
    staff: Any
    rival: Any
    driver: Any
    other_driver: Any
    organization: Organization
    rival_organization: Organization
    event: Any  # upcoming, published, entered by `driver`
    draft_event: Any  # not yet published: staff only
    session: Any
    entry_class: Any
    entry: Any
    finished_event: Any
    race: Any
    championship: Any
    championship_round: Any
    live_session: Any
    calendar_token: Any
    invitation: Invitation
    extra: dict[str, Any] = field(default_factory=dict)


def build_world(make_user: Callable[..., Any]) -> World:
    from events.models import AuditLog, Entry, EntryClass, Event, EventOfficial, Session
    from events.services.calendar import issue_calendar_token
    from events.services.championships import add_round, create_championship
    from events.services.results import ResultLine, publish_results
    from live.models import LiveSession, LiveTransponder, RaceControlMessage
    from racing.models import DriverProfile, EmergencyContact
    from racing.services.privacy import give_consent

    owner = make_user(OWNER_EMAIL, first_name="Jun", last_name="Owner")
    staff = make_user(STAFF_EMAIL, first_name="Lei", last_name="Staff")
    rival = make_user(RIVAL_EMAIL, first_name="Hao", last_name="Rival")
    driver = make_user(DRIVER_EMAIL, first_name="Min", last_name="Zhang")
    other_driver = make_user(OTHER_DRIVER_EMAIL, first_name="Wei", last_name="Li")

    organization = Organization.objects.create(
        name="Shanghai Motor Club", slug="shanghai-motor-club", contact_email="club@club.test"
    )
    Membership.objects.create(organization=organization, user=owner, role="owner")
    Membership.objects.create(organization=organization, user=staff, role="staff")
    rival_organization = Organization.objects.create(
        name="Rival Racing", slug="rival-racing", contact_email="office@other.test"
    )
    Membership.objects.create(organization=rival_organization, user=rival, role="owner")

    profile = DriverProfile.objects.create(
        user=driver,
        name_zh="张敏",
        name_latin="ZHANG Min",
        date_of_birth=date(1994, 5, 17),
        nationality="China",
        id_type="passport",
        id_number=DRIVER_PRIVATE["id_number"],
        phone=DRIVER_PRIVATE["phone"],
        blood_type="A",
        medical_notes=DRIVER_PRIVATE["medical_notes"],
        guardian_name=DRIVER_PRIVATE["guardian_name"],
        guardian_relationship="mother",
        guardian_phone=DRIVER_PRIVATE["guardian_phone"],
        guardian_id_number=DRIVER_PRIVATE["guardian_id_number"],
    )
    EmergencyContact.objects.create(
        profile=profile,
        name="Zhang Wei",
        relationship="father",
        phone=DRIVER_PRIVATE["emergency_phone"],
    )
    give_consent(profile=profile)

    now = timezone.now().replace(second=0, microsecond=0)
    starts = now + timedelta(days=40)
    event = Event.objects.create(
        organization=organization,
        title="Shanghai Club Cup",
        slug="shanghai-club-cup",
        tier="national",
        discipline="circuit",
        venue_name="Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        starts_at=starts,
        ends_at=starts + timedelta(hours=9),
        status=Event.Status.PUBLISHED,
        registration_opens_at=now - timedelta(days=5),
        registration_closes_at=starts - timedelta(days=2),
    )
    session = Session.objects.create(
        event=event,
        name="Race 1",
        kind=Session.Kind.RACE,
        starts_at=starts + timedelta(hours=2),
        ends_at=starts + timedelta(hours=3),
    )
    entry_class = EntryClass.objects.create(
        event=event, name="Rookie Cup", capacity=24, fee=Decimal("800.00")
    )
    entry = Entry.objects.create(
        event=event,
        entry_class=entry_class,
        driver=driver,
        status=Entry.Status.CONFIRMED,
        place_number=1,
        car_number=7,
        fee_minor=80000,
        currency="CNY",
        co_driver_email=CO_DRIVER_EMAIL,
        confirmed_at=now,
    )
    # The staff member works on the event as its scrutineer: they may reveal the driver's data.
    official = EventOfficial.objects.create(
        event=event, user=staff, duty=EventOfficial.Duty.SCRUTINEER
    )
    # The event's audit trail names the co-driver the driver gave (driver data: staff only).
    AuditLog.objects.create(
        event=event,
        entry=entry,
        action="co_driver_confirmed",
        actor=driver,
        detail=CO_DRIVER_EMAIL,
    )
    draft_event = Event.objects.create(
        organization=organization,
        title="Winter Sprint (draft)",
        slug="winter-sprint-draft",
        tier="karting",
        discipline="karting",
        venue_name="Jiading Kart Track",
        province="shanghai",
        city="Shanghai",
        starts_at=starts + timedelta(days=30),
        ends_at=starts + timedelta(days=30, hours=6),
        status=Event.Status.DRAFT,
    )

    past = now - timedelta(days=7)
    finished_event = Event.objects.create(
        organization=organization,
        title="Spring Trophy",
        slug="spring-trophy",
        tier="national",
        discipline="circuit",
        venue_name="Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        starts_at=past,
        ends_at=past + timedelta(hours=9),
        status=Event.Status.COMPLETED,
        registration_opens_at=past - timedelta(days=30),
        registration_closes_at=past - timedelta(days=2),
    )
    race = Session.objects.create(
        event=finished_event,
        name="Final",
        kind=Session.Kind.RACE,
        starts_at=past + timedelta(hours=2),
        ends_at=past + timedelta(hours=3),
    )
    # A gymkhana-style session of the same day, scored as timed runs.
    runs_session = Session.objects.create(
        event=finished_event,
        name="Gymkhana",
        kind=Session.Kind.OTHER,
        format="timed_runs",
        starts_at=past + timedelta(hours=4),
        ends_at=past + timedelta(hours=5),
    )
    finished_class = EntryClass.objects.create(
        event=finished_event, name="Rookie Cup", capacity=20, fee=Decimal("0")
    )
    finished_entry = Entry.objects.create(
        event=finished_event,
        entry_class=finished_class,
        driver=driver,
        status=Entry.Status.CONFIRMED,
        place_number=1,
        car_number=7,
        fee_minor=0,
        currency="CNY",
        confirmed_at=past - timedelta(days=3),
    )
    publish_results(
        session=race,
        lines=[
            ResultLine(
                car_number="7",
                position=1,
                driver_name="Min Zhang",
                class_name="Rookie Cup",
                laps=12,
                total_ms=1_081_250,
                best_lap_ms=89_100,
                best_lap_no=5,
                driver_id=driver.pk,
                entry_id=finished_entry.pk,
            ),
        ],
        source="typed",
        by=owner,
        official=True,
    )
    championship = create_championship(
        organization=organization,
        name="Shanghai Club Championship",
        season=now.year,
        is_public=True,
        position_points=[25, 18, 15, 12, 10],
        class_names=["Rookie Cup"],
    )
    championship_round = add_round(championship=championship, session=race)

    live_session = LiveSession.objects.create(
        event_session=race,
        name="Spring Trophy Final",
        status=LiveSession.Status.FINISHED,
        # One car, for its page (live:car).
        engine_state={"cars": {"7": {"key": "7", "number": "7", "name": "Spring Trophy car"}}},
    )
    race_control_message = RaceControlMessage.objects.create(
        session=live_session, kind="note", text="Track open"
    )
    live_transponder = LiveTransponder.objects.create(
        session=live_session, transponder=5691251, number="5691251"
    )
    calendar_token = issue_calendar_token(user=driver)
    invitation = Invitation.objects.create(
        organization=organization, email=INVITEE_EMAIL, role="staff", invited_by=owner
    )
    # racing: a class of the organization, and the driver's licence (with a scan) and car.
    from django.core.files.base import ContentFile

    from racing.models import CompetitionClass, Licence, LicenceGrade, LicenceIssuer, Vehicle
    from racing.services.privacy import record_reveal

    camf, _ = LicenceIssuer.objects.get_or_create(
        code="CAMF", defaults={"name_zh": "中国汽车摩托车运动联合会", "name_en": "CAMF"}
    )
    grade, _ = LicenceGrade.objects.get_or_create(
        issuer=camf, code="B", defaults={"name_zh": "国家B级", "name_en": "National B", "rank": 20}
    )
    licence = Licence.objects.create(
        profile=profile,
        issuer=camf,
        grade=grade,
        discipline="circuit",
        number="CAMF-MARK-1",
        valid_from=now.date() - timedelta(days=30),
        valid_to=now.date() + timedelta(days=300),
    )
    licence.document.save("scan.pdf", ContentFile(b"%PDF-1.4 licence scan"))
    # Staff, the event's scrutineer, revealed the driver's data a moment ago (for the scan).
    record_reveal(profile=profile, organization=organization, actor=staff, reason="scrutineering")
    vehicle = Vehicle.objects.create(
        owner=profile, make="Honda", model="Civic", year=2019, powertrain="ice"
    )
    competition_class = CompetitionClass.objects.create(
        organization=organization,
        name="Touring 2000",
        slug="touring-2000",
        tier="national",
        discipline="circuit",
        rules={"max_displacement_cc": 2000},
    )
    # A route on the finished race (as if it were a regularity leg), its card published.
    from events.services import regularity

    route = regularity.save_route(
        session=race, mode="regularity", standard_start=race.starts_at, interval_s=60
    )
    regularity.add_control(route=route, code="S", kind="start")
    finish_control = regularity.add_control(route=route, code="F", kind="finish", section_s=1800)
    regularity.publish_route_card(route=route, published=True)
    # A tour on the upcoming event's session: its waypoint's QR code for crews, the passport.
    tour = regularity.save_route(
        session=session, mode="touring", standard_start=session.starts_at, interval_s=60
    )
    waypoint = regularity.add_control(route=tour, code="W0", kind="start")
    # The organization's own merchant accounts (no keys: nothing here may reach a provider), a
    # WeChat Pay order waiting at its QR page, and an issued fapiao for the entry.
    from events.models import FapiaoRequest, MerchantAccount, Payment

    wechatpay = MerchantAccount.objects.create(
        organization=organization, provider="wechatpay", app_id="wx0", merchant_id="1900000109"
    )
    alipay = MerchantAccount.objects.create(
        organization=organization, provider="alipay", app_id="2021000000000001"
    )
    wechat_payment = Payment.objects.create(
        entry=entry,
        method=Payment.Method.WECHATPAY,
        merchant=wechatpay,
        amount_minor=80000,
        currency="CNY",
        provider_reference="PDKWORLD1",
        provider_client="desktop",
        checkout_url="weixin://wxpay/bizpayurl?pr=world",
    )
    fapiao = FapiaoRequest(
        entry=entry,
        title_type=FapiaoRequest.TitleType.PERSONAL,
        title="Min Zhang",
        email=DRIVER_EMAIL,
        status=FapiaoRequest.Status.ISSUED,
        number="24312000000000000001",
        issued_at=now,
    )
    fapiao.file.save("fapiao.pdf", ContentFile(b"%PDF-1.7 world"), save=False)
    fapiao.save()
    # A kart final and an efficiency run on the finished event (no grid, no runs yet).
    kart_final = Session.objects.create(
        event=finished_event,
        name="Kart final",
        kind=Session.Kind.FINAL,
        format="kart_heats",
        starts_at=past + timedelta(hours=4),
        ends_at=past + timedelta(hours=5),
    )
    efficiency_run = Session.objects.create(
        event=finished_event,
        name="Efficiency run",
        kind=Session.Kind.OTHER,
        format="efficiency",
        starts_at=past + timedelta(hours=5),
        ends_at=past + timedelta(hours=6),
    )
    return World(
        extra={
            "kart_final": kart_final,
            "efficiency_run": efficiency_run,
            "waypoint": waypoint,
            "runs_session": runs_session,
            "control": finish_control,
            "wechatpay": wechatpay,
            "alipay": alipay,
            "wechat_payment": wechat_payment,
            "fapiao": fapiao,
            "profile": profile,
            "licence": licence,
            "vehicle": vehicle,
            "competition_class": competition_class,
            "live_transponder": live_transponder,
            "official": official,
            "race_control_message": race_control_message,
        },
        owner=owner,
        staff=staff,
        rival=rival,
        driver=driver,
        other_driver=other_driver,
        organization=organization,
        rival_organization=rival_organization,
        event=event,
        draft_event=draft_event,
        session=session,
        entry_class=entry_class,
        entry=entry,
        finished_event=finished_event,
        race=race,
        championship=championship,
        championship_round=championship_round,
        live_session=live_session,
        calendar_token=calendar_token,
        invitation=invitation,
    )
