#!/usr/bin/env bash
# The browser of the end-to-end tests (tests/e2e): Debian's chromium, driven by playwright-core,
# and a CJK font so that Chinese labels render in the screenshots. Installs only what is missing
# (as root; otherwise prints the one apt-get command to run) and says what it does.
set -eu
. "$(dirname "$0")/lib.sh"

PACKAGES=(chromium fonts-noto-cjk)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for p in "${PACKAGES[@]}"; do
  if installed "$p"; then
    log "$p: already installed"
  else
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    die "the end-to-end tests need Debian packages that are not installed; run as root:
  apt-get install -y ${missing[*]}"
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { log "apt-get update, then installing again"; apt-get update -qq \
      && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } \
    || die "apt-get install ${missing[*]} failed"
fi

browser=$(command -v chromium) || die "chromium is not on the PATH after installing it"
log "browser: $browser ($("$browser" --version 2>/dev/null || echo 'version unknown'))"
