#!/usr/bin/env bash
# Start the app on its embedded default. In a desktop session the session's keyring and display
# are used. On a machine without them (a fresh server, a container) a private GNOME Keyring is
# started, and with no display at all the app runs offscreen: hub, sync and notifications all
# work, but there is nothing to look at; run it on a desktop or under `xvfb-run` to see it.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "run-app: no display found; running offscreen (Ctrl-C to stop)." >&2
  export QT_QPA_PLATFORM=offscreen
fi
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec "$@"
fi
exec "$here/scripts/with-keyring.sh" "$@"
