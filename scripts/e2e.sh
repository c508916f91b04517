#!/usr/bin/env bash
# Browser end-to-end check: needs Debian's chromium and a CJK font. Installs them when
# running as root (CI runs as root); otherwise the e2e test skips with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."
# EVREVIEW_E2E_NO_INSTALL=1 skips the install (tests of this script).
if [ -z "${EVREVIEW_E2E_NO_INSTALL:-}" ] && ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  timeout 600 bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei' \
    || echo "chromium install failed: the e2e test will skip"
fi
PY=${PY:-.venv/bin/python}
# Under `set -e` a bare failing command would end the script before its code is read:
# `|| rc=$?` keeps it, so exit 5 (nothing collected) is really turned into a failure.
rc=0
$PY -m pytest -m e2e -q -p no:cacheprovider tests/e2e || rc=$?
if [ $rc -eq 5 ]; then echo "no e2e tests collected"; exit 1; fi
exit $rc
