#!/usr/bin/env bash
# Installs everything the tests need (Debian's Chromium, a virtual environment
# with the project and its test tools) and runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"

# pytest exits non-zero when a test fails and also when no test ran at all.
.venv/bin/python -m pytest -q "$@"
