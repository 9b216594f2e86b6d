"""One router per resource; ``app.main`` includes them all."""

__all__: list[str] = []
