"""Choice lists shared by events, their filters and the API."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    NATIONAL = "national", _("National")
    HERITAGE = "heritage", _("Local heritage")
    KARTING = "karting", _("Karting")
    NEV = "nev", _("NEV / smart car")


class Discipline(models.TextChoices):
    CIRCUIT = "circuit", _("Circuit")
    RALLY = "rally", _("Rally")
    REGULARITY = "regularity", _("Regularity / touring")
    HILLCLIMB = "hillclimb", _("Hill climb")
    GYMKHANA = "gymkhana", _("Gymkhana")
    DRIFT = "drift", _("Drift")
    OFF_ROAD = "off-road", _("Off-road")
    KARTING = "karting", _("Karting")
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
