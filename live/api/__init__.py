from live.api.board import router

__all__ = ["router"]
