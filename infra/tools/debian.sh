#!/bin/sh
# The programs the tests open files in as a person does, from Debian's packages, installed
# once with apt-get: each argument is command:package:what-the-tests-open-with-it, e.g.
#   soffice:libreoffice-calc-nogui:the-exports-and-failing-rows
# Where one cannot be installed (no apt-get, no root, no mirror) this says so, and the tests
# that need it skip saying the same.
set -u
missing=""
for spec in "$@"; do
	cmd=${spec%%:*}
	rest=${spec#*:}
	pkg=${rest%%:*}
	if ! command -v "$cmd" >/dev/null 2>&1; then
		missing="$missing $pkg"
	fi
done
[ -z "$missing" ] && exit 0
sudo=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo="sudo -n"
	else
		echo "not installed, and this user cannot install them (not root, no sudo):$missing"
		echo "  the tests that open files in them will SKIP. Install them with: apt-get install$missing"
		exit 0
	fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "not installed, and this is not a Debian-like system (no apt-get):$missing"
	echo "  the tests that open files in them will SKIP. Install them so that their commands are on PATH."
	exit 0
fi
log="${TMPDIR:-/tmp}/clientdesk-programs-install.log"
echo "installing Debian's$missing for the tests that open files in them (log: $log)"
if $sudo env DEBIAN_FRONTEND=noninteractive apt-get update >"$log" 2>&1 &&
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing >>"$log" 2>&1; then
	echo "installed:$missing"
else
	echo "could not install$missing (see $log): the tests that open files in them will SKIP"
fi
exit 0
