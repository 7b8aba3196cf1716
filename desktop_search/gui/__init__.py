"""The Qt front end: main window, views, models, controllers, tray and quick search.

Everything here talks to the core through :class:`desktop_search.core.Engine` only.
"""
