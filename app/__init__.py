"""certcheck's outside: the command line (``app.cli``) and the HTTP service (``app.main``).

Both are thin shells around :class:`certcheck.pipeline.Checker`; nothing below
``app/`` imports from here.
"""

__all__: list[str] = []
