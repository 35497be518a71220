"""The web dashboard: server-rendered pages (Jinja2) over the same library functions."""
