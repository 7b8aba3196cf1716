"""Watching folders: file-system observers, debounce and delivery, and coalescing of events.

Owns ``FolderWatcher`` and its helpers. It reports net change sets through a callback and knows
nothing of the index; it imports only the standard library, watchdog and ``index.exclusions``'
temporary-file rule (through its filters).
"""
