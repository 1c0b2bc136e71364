from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Live timing")

    def ready(self) -> None:
        from events import hooks
        from live.queries import live_now
        from live.views_results import result_sources

        if result_sources not in hooks.result_sources:
            hooks.result_sources.append(result_sources)
        if live_now not in hooks.live_now:
            hooks.live_now.append(live_now)
