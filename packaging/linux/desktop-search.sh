#!/bin/sh
# /usr/bin/desktop-search: start the bundled app installed under /opt/desktop-search.
exec /opt/desktop-search/desktop-search "$@"
