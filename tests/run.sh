#!/usr/bin/env bash
# Installs everything the tests need (Debian's Chromium, redis-server,
# nginx-light and a CJK font, a virtual environment with the project and its
# test tools) and runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests run for real: the browser, the shared store
# (tests start their own redis-server) and the load balancer (tests start
# their own nginx). nginx lives in /usr/sbin, often not on a user's PATH.
MISSING=()
command -v chromium >/dev/null 2>&1 || MISSING+=(chromium)
command -v redis-server >/dev/null 2>&1 || MISSING+=(redis-server)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || MISSING+=(nginx-light)
# A CJK font, so that the Chinese page (tests/browser/test_languages.py) is drawn
# with real glyphs in the screenshots rather than empty boxes.
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || MISSING+=(fonts-wqy-microhei)
if [ ${#MISSING[@]} -gt 0 ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    # The packages' own services are not used: the tests start private ones
    # on free loopback ports.
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${MISSING[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"

# The code's lint and format rules (pyproject.toml, [tool.ruff]).
.venv/bin/ruff check .
.venv/bin/ruff format --check .

# pytest exits non-zero when a test fails and also when no test ran at all.
.venv/bin/python -m pytest -q "$@"
