from events.demo.events import seed

__all__ = ["seed"]
