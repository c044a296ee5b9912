#!/usr/bin/env bash
# Install Debian's nginx for the deploy test (tests/deploy/), if missing. The test runs nginx
# as an ordinary process with a configuration of its own; the Debian service is not started.
#
# Safe to run twice at once: the check and the install run under the same machine-wide lock
# as the other service scripts, and apt-get waits for dpkg's own lock instead of failing.
set -euo pipefail

LOCK="${WG_SERVICES_LOCK:-/tmp/welvaartgesprek-services.lock}"
exec 9>>"$LOCK"
flock --wait 1800 9 || { echo "Waited 30 minutes for $LOCK; giving up." >&2; exit 1; }

NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if [ -x "$NGINX" ]; then
    echo "nginx is installed: $("$NGINX" -v 2>&1)"
    exit 0
fi
echo "Installing nginx from Debian packages..."
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=600)
"${APT[@]}" update -qq
# The package's post-install starts the Debian service; policy-rc.d keeps it from doing so
# (only while installing, and only if no policy is in place already).
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
"${APT[@]}" install -y -qq nginx-light >/dev/null 2>&1 || "${APT[@]}" install -y -qq nginx >/dev/null
echo "Installed: $(/usr/sbin/nginx -v 2>&1)"
