#!/usr/bin/env bash
# Install Debian's Chromium (and fonts with Arabic glyphs) for the browser tests, if missing.
# Playwright drives this browser; it never downloads one of its own.
set -euo pipefail

if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "noto sans arabic\|dejavu sans"; then
    echo "Chromium is installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi
echo "Installing Chromium from Debian packages..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium fonts-dejavu-core fonts-noto-core >/dev/null
echo "Installed: $(/usr/bin/chromium --version)"
