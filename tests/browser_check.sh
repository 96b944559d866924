#!/usr/bin/env bash
# Renders a generated HTML supervision summary in a real browser (headless Chromium) to
# PDF and PNG, and checks the results are non-empty and the page logged no errors.
#
# Run by .ci/run after `cargo test`. If Chromium is missing it is installed with apt-get
# where possible; if that fails the check is SKIPPED, and says so loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'browser check: %s\n' "$*" >&2; }

find_chromium() {
  for c in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
  done
  return 1
}

if ! CHROMIUM=$(find_chromium); then
  say "Chromium not found; trying: apt-get install -y chromium"
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 || true
  fi
  if ! CHROMIUM=$(find_chromium); then
    cat >&2 <<'MSG'
################################################################################
# SKIPPED: the browser render check of the HTML export.                        #
# Chromium is not installed and could not be installed here. Everything else   #
# was tested; install chromium and re-run tests/browser_check.sh to check it.  #
################################################################################
MSG
    exit 0
  fi
fi
say "using $CHROMIUM"

cargo build --quiet --bin candour
BIN="$PWD/target/debug/candour"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export CANDOUR_HOME="$WORK/journal" NO_COLOR=1 CANDOUR_NOW=2026-11-25T12:00:00Z
printf 'correct horse battery staple\n' > "$WORK/pass"
"$BIN" init --kdf-work-factor 4 --passphrase-file "$WORK/pass" --recovery-key-file "$WORK/key" >/dev/null
"$BIN" add --at "2026-11-20 14:00" "A long-stay patient gave me his personal number (07700 900123) as I was transferring to another hospital. He said he sees me as a friend and wants to keep in touch." >/dev/null
"$BIN" add --at "2026-11-21 09:30" "Mrs Patel's daughter pressed a £50 voucher into my hand after the family meeting. I said I would check the gifts policy." >/dev/null
"$BIN" add --at "2026-11-22 16:00" "A former client sent me a friend request on Instagram; I have not accepted it." >/dev/null
"$BIN" share 3 supervision --passphrase-file "$WORK/pass" >/dev/null
"$BIN" reflect 1 --section so-what --text "Keeping the number would meet my need to be liked, not his." --passphrase-file "$WORK/pass" >/dev/null
"$BIN" action add 1 "Ask the ward manager how to return the number" --due 2026-11-27 >/dev/null
"$BIN" export --format html --output "$WORK/summary.html" --passphrase-file "$WORK/pass" 2>/dev/null

if grep -Eqi '<script|https?://[^"]*\.(css|js|woff|png)' "$WORK/summary.html"; then
  say "FAIL: the HTML export references scripts or external assets"; exit 1
fi
if grep -q '07700 900123' "$WORK/summary.html"; then
  say "FAIL: the HTML export contains an unredacted phone number"; exit 1
fi

FLAGS=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$WORK/profile"
       --enable-logging=stderr --v=0)
URL="file://$WORK/summary.html"
timeout 120 "$CHROMIUM" "${FLAGS[@]}" --print-to-pdf="$WORK/summary.pdf" --no-pdf-header-footer "$URL" 2>"$WORK/pdf.log" || true
timeout 120 "$CHROMIUM" "${FLAGS[@]}" --screenshot="$WORK/summary.png" --window-size=1240,1754 "$URL" 2>"$WORK/png.log" || true

fail=0
if [ ! -s "$WORK/summary.pdf" ] || [ "$(head -c 4 "$WORK/summary.pdf")" != "%PDF" ] || [ "$(stat -c %s "$WORK/summary.pdf")" -lt 2000 ]; then
  say "FAIL: no usable PDF was rendered"; fail=1
fi
if [ ! -s "$WORK/summary.png" ] || [ "$(od -An -tx1 -N4 "$WORK/summary.png" | tr -d ' ')" != "89504e47" ] || [ "$(stat -c %s "$WORK/summary.png")" -lt 2000 ]; then
  say "FAIL: no usable PNG was rendered"; fail=1
fi
# Page errors: console errors, refused loads (the Content-Security-Policy), failed loads.
if grep -Ehi 'CONSOLE\(|Uncaught|Refused to|Failed to load|net::ERR_FILE' "$WORK/pdf.log" "$WORK/png.log" | grep -v 'ERR_NETWORK_CHANGED' ; then
  say "FAIL: the page logged errors (above)"; fail=1
fi
if [ "$fail" = 0 ]; then
  say "ok: PDF $(stat -c %s "$WORK/summary.pdf") bytes, PNG $(stat -c %s "$WORK/summary.png") bytes, no page errors"
  if [ -n "${CANDOUR_KEEP_RENDER:-}" ]; then cp "$WORK/summary.pdf" "$WORK/summary.png" "$WORK/summary.html" "$CANDOUR_KEEP_RENDER"/; fi
else
  sed -n '1,40p' "$WORK/pdf.log" >&2
fi
exit "$fail"
