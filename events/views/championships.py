"""Championship pages: public standings, and the organizer's set-up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.forms.championships import ChampionshipForm, ClassFormSet, RoundForm
from events.models import Championship, ChampionshipRound
from events.queries.results import public_championships, rounds_of, standings_of
from events.services.championships import (
    add_round,
    create_championship,
    remove_round,
    set_classes,
    update_championship,
)
from events.services.promotions import (
    close_season,
    grant_exception,
    promotions_of,
    reopen_season,
    withdraw_exception,
)
from racing.queries.organizations import get_organization_for_staff


def championship_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/championships/championship_list.html",
        {"championships": public_championships()},
    )


def _tables(championship: Championship) -> list[dict[str, Any]]:
    """Standings grouped by class, each with its rounds' scores in round order."""
    tables: list[dict[str, Any]] = []
    for standing in standings_of(championship):
        if not tables or tables[-1]["class_name"] != standing.class_name:
            tables.append({"class_name": standing.class_name, "rows": []})
        tables[-1]["rows"].append(standing)
    return tables


def championship_detail(request: HttpRequest, slug: str) -> HttpResponse:
    championship = get_object_or_404(Championship.objects.select_related("organization"), slug=slug)
    if not championship.is_public:
        raise Http404
    context = {
        "championship": championship,
        "tables": _tables(championship),
        "rounds": rounds_of(championship),
        "classes": list(championship.classes.all()),
    }
    return render(request, "events/championships/championship_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def championship_manage_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = get_organization_for_staff(request.user, org_slug)
    form = ChampionshipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        championship = create_championship(organization=organization, **form.cleaned_data)
        messages.success(request, _("Championship created. Now add its classes and rounds."))
        return redirect(championship.get_manage_url())
    context = {
        "organization": organization,
        "championships": organization.championships.all(),
        "form": form,
    }
    return render(
        request,
        "events/championships/manage_list.html",
        context,
        status=400 if form.errors else 200,
    )


def _staff_championship(request: HttpRequest, org_slug: str, slug: str) -> Championship:
    organization = get_organization_for_staff(request.user, org_slug)
    return get_object_or_404(
        Championship.objects.select_related("organization"), organization=organization, slug=slug
    )


@login_required
@require_http_methods(["GET", "POST"])
def championship_manage(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    championship = _staff_championship(request, org_slug, slug)
    posted = request.method == "POST"
    form = ChampionshipForm(request.POST if posted else None, instance=championship)
    classes = ClassFormSet(request.POST if posted else None, instance=championship)
    if posted and form.is_valid() and classes.is_valid():
        fields = {name: form.cleaned_data[name] for name in ChampionshipForm.Meta.fields}
        update_championship(championship=championship, **fields)
        set_classes(
            championship=championship,
            classes=[
                {
                    name: class_form.cleaned_data[name]
                    for name in ("name", "promote_top", "promote_to", "promote_min_rounds")
                }
                for class_form in classes.forms
                if class_form.cleaned_data.get("name") and not class_form.cleaned_data.get("DELETE")
            ],
        )
        messages.success(request, _("Championship saved; the standings are up to date."))
        return redirect(championship.get_manage_url())
    context = {
        "championship": championship,
        "form": form,
        "classes": classes,
        "round_form": RoundForm(organization=championship.organization),
        "rounds": championship.rounds.select_related(
            "session__event", "qualifying_session"
        ).order_by("session__starts_at"),
        "promotions": promotions_of(championship),
    }
    status = 400 if posted else 200
    return render(request, "events/championships/manage.html", context, status=status)


@login_required
@require_POST
def championship_round_add(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    championship = _staff_championship(request, org_slug, slug)
    form = RoundForm(request.POST, organization=championship.organization)
    if form.is_valid():
        try:
            add_round(
                championship=championship,
                session=form.cleaned_data["session"],
                qualifying_session=form.cleaned_data["qualifying_session"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Round added; the standings are up to date."))
    else:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, str(text))
    return redirect(championship.get_manage_url())


@login_required
@require_POST
def championship_round_remove(
    request: HttpRequest, org_slug: str, slug: str, round_id: int
) -> HttpResponse:
    championship = _staff_championship(request, org_slug, slug)
    round_ = get_object_or_404(ChampionshipRound, pk=round_id, championship=championship)
    remove_round(round_=round_)
    messages.success(request, _("Round removed; the standings are up to date."))
    return redirect(championship.get_manage_url())


@login_required
@require_POST
def championship_season(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    """Close the season (its promotions are then enforced at registration) or reopen it."""
    championship = _staff_championship(request, org_slug, slug)
    action = request.POST.get("action")
    if action == "close":
        close_season(championship=championship, by=request.user)
        messages.success(
            request,
            _(
                "Season closed. Drivers marked as moving up can no longer enter the class they "
                "moved up from in later seasons."
            ),
        )
    elif action == "reopen":
        reopen_season(championship=championship)
        messages.success(request, _("Season reopened. Nobody is refused for promotion for now."))
    else:
        messages.error(request, _("Choose whether to close or reopen the season."))
    return redirect(championship.get_manage_url())


def _posted_id(request: HttpRequest, name: str) -> int | None:
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


@login_required
@require_POST
def championship_promotion_exception(
    request: HttpRequest, org_slug: str, slug: str
) -> HttpResponse:
    """Grant (with a reason) or withdraw an exception for one driver who must move up."""
    championship = _staff_championship(request, org_slug, slug)
    action = request.POST.get("action")
    try:
        if action == "grant":
            standing_id = _posted_id(request, "standing")
            if standing_id is None:
                raise ValidationError(_("Choose a driver who must move up."))
            grant_exception(
                championship=championship,
                standing_id=standing_id,
                reason=request.POST.get("reason", ""),
                by=request.user,
            )
            messages.success(
                request, _("Exception recorded: this driver may enter the class again.")
            )
        elif action == "withdraw":
            waiver_id = _posted_id(request, "exception")
            if waiver_id is None:
                raise ValidationError(_("This exception no longer exists."))
            withdraw_exception(championship=championship, waiver_id=waiver_id)
            messages.success(request, _("Exception withdrawn."))
        else:
            raise ValidationError(_("Choose whether to grant or withdraw an exception."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(f"{championship.get_manage_url()}#season")
