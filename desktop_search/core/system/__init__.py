"""Integration with the desktop: starting at login and the quick-search shortcut, per platform.

The one core package besides ``desktop_search.core`` itself that the GUI may import. No Qt.
"""
