#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Install the Debian packages of this machine's suite that are missing.
#
#   tools/need-packages.sh PKG...        (PKG may carry :ARCH)
#
# Nothing happens when every package is installed.  Otherwise, as root,
# apt-get installs them (updating the package lists once if the first try
# fails); without root it names the packages and fails.  Every make target
# that needs a package calls this, so the list lives beside its user.

set -eu

missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	echo "missing packages:$missing (apt-get install$missing)" >&2
	exit 1
fi
echo "installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt_install() {
	apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
		$missing >/dev/null 2>&1
}
apt_install || {
	apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null 2>&1
	apt_install
} || { echo "apt-get install$missing failed" >&2; exit 1; }
