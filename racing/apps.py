from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RacingConfig(AppConfig):
    name = "racing"
    verbose_name = _("Racing registry")
