#!/usr/bin/env bash
# Set up everything certcheck needs on a fresh machine, from the project's own files:
# a virtualenv in .venv with the package and its test tools, and the CJK fonts that
# the samples generator renders certificates with (Debian packages, installed only
# when missing). Safe to run again: it only does what is not done yet.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in python3.11 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PY=$candidate; break; fi
  done
fi

if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv with $PY" >&2
  "$PY" -m venv .venv
fi

# `setup.sh runtime` (make demo, make serve) installs only what checking needs; the default (make test and the
# evaluations) adds the test and benchmark tools, the fonts the sample generator renders with and chromium.
mode=${1:-full}
stamp=.venv/.certcheck-installed
runtime_stamp=.venv/.certcheck-installed-runtime
if [ "$mode" = runtime ]; then
  if { [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; } && { [ ! -f "$runtime_stamp" ] || [ pyproject.toml -nt "$runtime_stamp" ]; }; then
    echo "[setup] installing certcheck (runtime only) into .venv" >&2
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e .
    touch "$runtime_stamp"
  fi
  exit 0
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "[setup] installing certcheck and test tools into .venv" >&2
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test,bench]"
  touch "$stamp"
fi

have_cjk_fonts() {
  [ -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc ] && [ -f /usr/share/fonts/truetype/arphic/ukai.ttc ]
}
if ! have_cjk_fonts; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "[setup] installing CJK fonts (fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming >/dev/null
  else
    echo "[setup] CJK fonts missing and apt-get unavailable: sample rendering tests will be skipped" >&2
  fi
fi

# Debian's chromium for the upload page's browser test (Playwright drives it by its path;
# Playwright's own browser download is never used).
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "[setup] installing chromium (for tests/app/test_page_browser.py)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium >/dev/null
  else
    echo "[setup] /usr/bin/chromium missing and apt-get unavailable: the browser test will be skipped" >&2
  fi
fi
