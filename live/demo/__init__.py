from live.demo.sessions import background_commands, seed

__all__ = ["background_commands", "seed"]
