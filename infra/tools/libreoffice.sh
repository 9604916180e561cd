#!/bin/sh
# LibreOffice Calc for the tests that open exports as a person does (internal/jobs,
# TestOpensInLibreOffice): Debian's libreoffice-calc-nogui, installed once with apt-get.
# Where it cannot be installed (no apt-get, no root, no mirror) this says so, and the test
# skips saying the same.
set -u
if command -v soffice >/dev/null 2>&1; then
	exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo="sudo -n"
	else
		echo "LibreOffice is not installed and this user cannot install it (not root, no sudo):"
		echo "  the spreadsheet tests will SKIP. Install it with: apt-get install libreoffice-calc-nogui"
		exit 0
	fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "LibreOffice is not installed and this is not a Debian-like system (no apt-get):"
	echo "  the spreadsheet tests will SKIP. Install LibreOffice Calc so that soffice is on PATH."
	exit 0
fi
log="${TMPDIR:-/tmp}/clientdesk-libreoffice-install.log"
echo "installing Debian's libreoffice-calc-nogui for the spreadsheet tests (log: $log)"
if $sudo env DEBIAN_FRONTEND=noninteractive apt-get update >"$log" 2>&1 &&
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y libreoffice-calc-nogui >>"$log" 2>&1; then
	echo "installed: $(soffice --version 2>/dev/null | head -1)"
else
	echo "could not install libreoffice-calc-nogui (see $log): the spreadsheet tests will SKIP"
fi
exit 0
