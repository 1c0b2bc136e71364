from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Live timing")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from events import hooks
        from events.services import page_cache
        from live.models import LiveSession
        from live.queries.board import live_now
        from live.services.efficiency import efficiency_board_socket, refresh_efficiency_board
        from live.services.regularity import live_board_socket, publish_regularity_standings
        from live.services.timed_runs import refresh_runs_boards
        from live.views.board import session_replays
        from live.views.results import result_sources
        from live.views.timing import organizer_links
        from racing import hooks as racing_hooks

        if publish_regularity_standings not in hooks.stamps_changed:
            hooks.stamps_changed.append(publish_regularity_standings)
        if live_board_socket not in hooks.live_board_socket:
            hooks.live_board_socket.append(live_board_socket)

        if efficiency_board_socket not in hooks.live_board_socket:
            hooks.live_board_socket.append(efficiency_board_socket)
        if refresh_efficiency_board not in hooks.efficiency_changed:
            hooks.efficiency_changed.append(refresh_efficiency_board)

        if result_sources not in hooks.result_sources:
            hooks.result_sources.append(result_sources)
        if session_replays not in hooks.session_replays:
            hooks.session_replays.append(session_replays)
        if refresh_runs_boards not in hooks.timed_runs_changed:
            hooks.timed_runs_changed.append(refresh_runs_boards)
        if live_now not in hooks.live_now:
            hooks.live_now.append(live_now)
        for signal in (post_save, post_delete):
            signal.connect(page_cache.live_changed, sender=LiveSession, dispatch_uid="live-now")
        if organizer_links not in racing_hooks.organizer_links:
            racing_hooks.organizer_links.append(organizer_links)
