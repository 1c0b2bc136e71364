from racing.demo.registry import seed

__all__ = ["seed"]
