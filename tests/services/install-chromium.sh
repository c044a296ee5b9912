#!/usr/bin/env bash
# Install Debian's Chromium (and fonts with Arabic glyphs) for the browser tests, if missing.
# Playwright drives this browser; it never downloads one of its own.
#
# Safe to run twice at once (two `make test` in two clones): the check and the install run
# under one machine-wide lock, and apt-get waits for dpkg's own lock (another apt-get, an
# unattended upgrade) instead of failing.
set -euo pipefail

LOCK="${WG_SERVICES_LOCK:-/tmp/welvaartgesprek-services.lock}"
exec 9>>"$LOCK"
flock --wait 1800 9 || { echo "Waited 30 minutes for $LOCK; giving up." >&2; exit 1; }

installed() {
    [ -x /usr/bin/chromium ] || return 1
    # Read the font list whole before matching: with pipefail, `fc-list | grep -q` fails
    # whenever grep stops reading early (fc-list then dies of SIGPIPE), and the install
    # below would then run every time.
    local fonts
    fonts="$(fc-list 2>/dev/null || true)"
    grep -qi "noto sans arabic\|dejavu sans" <<<"$fonts"
}

if installed; then
    echo "Chromium is installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi
echo "Installing Chromium from Debian packages..."
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=600)
"${APT[@]}" update -qq
"${APT[@]}" install -y -qq chromium fonts-dejavu-core fonts-noto-core >/dev/null
echo "Installed: $(/usr/bin/chromium --version)"
