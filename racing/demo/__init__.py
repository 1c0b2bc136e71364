from racing.demo.registry import seed, summary

__all__ = ["seed", "summary"]
