from events.api.events import router

__all__ = ["router"]
