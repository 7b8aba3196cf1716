"""Watching folders: file-system observers, debounce and delivery, and coalescing of events.

Owns ``FolderWatcher`` (``watcher``) and its parts: ``observers`` (watchdog observers and each
folder's watch), ``events`` (what each event means), ``changes`` (coalescing), ``delivery`` (debounce
and the delivery thread), ``presence`` (folders that vanish and return; the one ``is_empty_dir``) and
``filters`` (which paths are ignored). It reports net change sets through a callback and knows
nothing of the index; it imports only the standard library, watchdog and ``extract.kinds``' one
temporary-file rule (through its filters).
"""
