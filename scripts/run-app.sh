#!/usr/bin/env bash
# Start the app on its embedded default. In a desktop session the session's keyring is used;
# on a machine without one (a fresh server, a container) a private GNOME Keyring is started.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec "$@"
fi
exec "$here/scripts/with-keyring.sh" "$@"
