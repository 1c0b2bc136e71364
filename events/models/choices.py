"""Choice lists shared by events, their filters and the API."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# One list of tiers for the registry's classes and for events, so a class fits an event's tier.
from racing.models.classes import Tier

__all__ = ["Discipline", "Province", "SessionFormat", "Tier"]


class Discipline(models.TextChoices):
    """What kind of event it is. The values of racing's licence disciplines, so that an event's
    discipline names the licence it asks for, plus two formats that need no licence."""

    CIRCUIT = "circuit", _("Circuit")
    RALLY = "rally", _("Rally")
    OFF_ROAD = "off_road", _("Off-road")
    DRIFT = "drift", _("Drift")
    KARTING = "karting", _("Karting")
    HILLCLIMB = "hillclimb", _("Hill climb")
    AUTOCROSS = "autocross", _("Autocross and gymkhana")
    REGULARITY = "regularity", _("Regularity and touring")
    DRAG = "drag", _("Drag racing")
    EFFICIENCY = "efficiency", _("Efficiency run")
    OTHER = "other", _("Other")


class Province(models.TextChoices):
    """China's provincial-level divisions, keyed by pinyin so that URLs stay readable."""

    BEIJING = "beijing", _("Beijing")
    TIANJIN = "tianjin", _("Tianjin")
    HEBEI = "hebei", _("Hebei")
    SHANXI = "shanxi", _("Shanxi")
    INNER_MONGOLIA = "inner-mongolia", _("Inner Mongolia")
    LIAONING = "liaoning", _("Liaoning")
    JILIN = "jilin", _("Jilin")
    HEILONGJIANG = "heilongjiang", _("Heilongjiang")
    SHANGHAI = "shanghai", _("Shanghai")
    JIANGSU = "jiangsu", _("Jiangsu")
    ZHEJIANG = "zhejiang", _("Zhejiang")
    ANHUI = "anhui", _("Anhui")
    FUJIAN = "fujian", _("Fujian")
    JIANGXI = "jiangxi", _("Jiangxi")
    SHANDONG = "shandong", _("Shandong")
    HENAN = "henan", _("Henan")
    HUBEI = "hubei", _("Hubei")
    HUNAN = "hunan", _("Hunan")
    GUANGDONG = "guangdong", _("Guangdong")
    GUANGXI = "guangxi", _("Guangxi")
    HAINAN = "hainan", _("Hainan")
    CHONGQING = "chongqing", _("Chongqing")
    SICHUAN = "sichuan", _("Sichuan")
    GUIZHOU = "guizhou", _("Guizhou")
    YUNNAN = "yunnan", _("Yunnan")
    TIBET = "tibet", _("Tibet")
    SHAANXI = "shaanxi", _("Shaanxi")
    GANSU = "gansu", _("Gansu")
    QINGHAI = "qinghai", _("Qinghai")
    NINGXIA = "ningxia", _("Ningxia")
    XINJIANG = "xinjiang", _("Xinjiang")
    HONG_KONG = "hong-kong", _("Hong Kong")
    MACAU = "macau", _("Macau")
    TAIWAN = "taiwan", _("Taiwan")
    OTHER = "other", _("Outside China")


class SessionFormat(models.TextChoices):
    """How a session is scored; the values are those of events.engine.formats."""

    RACE = "race", _("Race (laps and time)")
    TIMED_RUNS = "timed_runs", _("Timed runs (gymkhana, autocross, hill climb)")
    KART_HEATS = "kart_heats", _("Kart heats and finals")
    EFFICIENCY = "efficiency", _("Efficiency run")
    REGULARITY = "regularity", _("Regularity rally (penalty points at controls)")
