#!/usr/bin/env bash
# The timeline in a real browser: a mutant's failing run (apply_twice fails
# 3B-basic-agree) leaves timeline.html; headless Chromium (Debian's
# `chromium`, installed by scripts/setup.sh) opens it from disk, runs its
# script, and the DOM it then holds must have the drawn SVG with one lane
# per peer, the failure marker and a student log line (the check reads the
# drawn <svg id="tl"> only, not the script's text). Chromium also takes a
# screenshot, which must be a PNG of the window's size.
# Usage: timeline_chromium_test.sh LABTEST MUTANT.so CATALOGUE WORKDIR
set -u
labtest=$1 plugin=$2 catalogue=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*"; for f in "$work/out.txt" "$work/chromium.err"; do [ -f "$f" ] && { echo "--- $f:"; tail -20 "$f"; }; done; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium is not installed: run scripts/setup.sh (it installs Debian's chromium)"

"$labtest" --plugin "$plugin" -f "$catalogue" --filter '^3B-basic-agree$' --seed 1 \
  --output-dir "$work/runs" --color never >"$work/out.txt" 2>&1
[ $? -eq 1 ] || fail "labtest did not report the mutant's failure (exit 1)"
page=$(find "$work/runs" -path '*3B-basic-agree-0/timeline.html' | head -n 1)
[ -n "$page" ] || fail "no timeline.html in the failing run's folder"

# --no-sandbox: CI runs as root, where Chromium's own sandbox refuses to start.
flags=(--headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars)
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$page" >"$work/dom.html" 2>"$work/chromium.err" ||
  fail "chromium --dump-dom failed"
python3 - "$work/dom.html" <<'PY' || fail "the DOM Chromium built lacks what the page must draw"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<svg id="tl"[^>]*>(.*?)</svg>\s*(?:</div>|<div|<p|<script)', dom, re.S)
if not m:
    sys.exit("no drawn <svg id=\"tl\"> in the DOM")
svg = m.group(1)
want = ['data-lane="peer 0"', 'data-lane="peer 1"', 'data-lane="peer 2"', 'id="failure-marker"', 'class="log']
missing = [w for w in want if w not in svg]
if missing:
    sys.exit("the drawn timeline lacks " + ", ".join(missing))
print("DOM: " + ", ".join(want))
PY

timeout 120 "$browser" "${flags[@]}" --window-size=1400,800 --screenshot="$work/timeline.png" "file://$page" \
  >>"$work/chromium.err" 2>&1 || fail "chromium --screenshot failed"
python3 - "$work/timeline.png" <<'PY' || fail "the screenshot is not a 1400x800 PNG"
import struct, sys
b = open(sys.argv[1], "rb").read(32)
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (1400, 800), f"{w}x{h}"
print(f"screenshot: {w}x{h} PNG")
PY
echo "PASS: $page in Chromium"
