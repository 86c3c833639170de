#!/usr/bin/env bash
# Run a command with a Secret Service keyring on a machine that has no desktop session
# (CI, a headless demo box). It starts a private D-Bus session and GNOME Keyring, unlocked with
# the password in CVI_KEYRING_PASSWORD (default: a fixed demo password), then runs "$@".
# On a normal Linux desktop you do not need this: the session keyring is used directly.
set -euo pipefail
optional=0
if [ "${1:-}" = "--optional" ]; then optional=1; shift; fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] || [ -z "${CVI_KEYRING_STARTED:-}" ]; then
  if ! command -v gnome-keyring-daemon >/dev/null || ! command -v dbus-run-session >/dev/null; then
    echo "with-keyring: needs gnome-keyring and dbus (apt-get install gnome-keyring dbus)" >&2
    # --optional: run anyway; tests that need the keyring then skip and say why.
    if [ "$optional" = 1 ]; then exec "$@"; fi
    exit 3
  fi
  export CVI_KEYRING_STARTED=1
  exec dbus-run-session -- "$0" "$@"
fi
# CVI_KEYRING_HOME puts the keyring files somewhere else (tests use a throwaway folder).
if [ -n "${CVI_KEYRING_HOME:-}" ]; then export XDG_DATA_HOME="$CVI_KEYRING_HOME"; fi
mkdir -p "${XDG_DATA_HOME:-$HOME/.local/share}/keyrings"
# --login creates the login keyring on first use and unlocks it with the password on stdin;
# the second call must see its control socket, or it starts a daemon without that keyring.
eval "$(printf '%s' "${CVI_KEYRING_PASSWORD:-cvi-demo-keyring}" | gnome-keyring-daemon --daemonize --login)"
export GNOME_KEYRING_CONTROL
eval "$(gnome-keyring-daemon --start --components=secrets)"
export GNOME_KEYRING_CONTROL
status=0
"$@" || status=$?
exit $status
