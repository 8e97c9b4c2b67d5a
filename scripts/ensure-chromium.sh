#!/usr/bin/env bash
# Makes sure the browser suite has a Chromium: KLAXON_CHROMIUM, else Debian's /usr/bin/chromium,
# installed with apt-get when missing (Playwright's own browser download is not used). Bounded in
# time, so a stuck mirror fails the run instead of hanging it.
set -euo pipefail
if [[ -n "${KLAXON_CHROMIUM:-}" && -x "$KLAXON_CHROMIUM" ]] || [[ -x /usr/bin/chromium ]]; then exit 0; fi
sudo=()
if [[ $EUID -ne 0 ]]; then sudo=(sudo -n); fi
echo "installing Debian's chromium"
export DEBIAN_FRONTEND=noninteractive
timeout 600 "${sudo[@]}" apt-get update -qq
timeout 900 "${sudo[@]}" apt-get install -y -qq chromium >/dev/null
