#!/usr/bin/env bash
# The linearizability page in a real browser: the kv_stale_read mutant fails
# 4B-concurrent under --sim (seed 1, so the same history every time: 5
# operations overlap the one that cannot be placed). Headless Chromium (Debian's
# `chromium`, installed by scripts/setup.sh) opens the run's
# linearizability.html from disk, and the DOM it builds must hold:
#   - the operation that cannot be placed, labelled "X <call> <result>", its
#     hover text saying so with its call and return times;
#   - every operation that overlaps it outlined ("overlap") and labelled,
#     its hover text saying it overlaps, with its times;
#   - the headline saying what state the prefix reached and why the failing
#     operation cannot follow it;
#   - the table of deciding operations with the failing and overlapping rows.
# Chromium also takes a screenshot, which must be a PNG of the window's size.
# Usage: lin_page_chromium_test.sh LABTEST MUTANT.so CATALOGUE WORKDIR
set -u
labtest=$1 plugin=$2 catalogue=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*"; for f in "$work/out.txt" "$work/chromium.err"; do [ -f "$f" ] && { echo "--- $f:"; tail -20 "$f"; }; done; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium is not installed: run scripts/setup.sh (it installs Debian's chromium)"

"$labtest" --sim --plugin "$plugin" -f "$catalogue" --filter '^4B-concurrent$' --seed 1 \
  --output-dir "$work/runs" --color never >"$work/out.txt" 2>&1
[ $? -eq 1 ] || fail "labtest did not report the mutant's failure (exit 1)"
grep -q "history is not linearizable" "$work/out.txt" || fail "the failure is not the linearizability check's"
page=$(find "$work/runs" -path '*4B-concurrent-0/linearizability.html' | head -n 1)
[ -n "$page" ] || fail "no linearizability.html in the failing run's folder"

# --no-sandbox: CI runs as root, where Chromium's own sandbox refuses to start.
flags=(--headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars)
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$page" >"$work/dom.html" 2>"$work/chromium.err" ||
  fail "chromium --dump-dom failed"
python3 - "$work/dom.html" <<'PY' || fail "the DOM Chromium built lacks the labels the page must show"
import html.parser, sys

class Page(html.parser.HTMLParser):
    """Collects the operation boxes (<g class="op ...">) with their label text,
    the headline (<p class="why">) and the table rows' classes."""
    def __init__(self):
        super().__init__()
        self.ops, self.why, self.rows = [], "", []
        self.op = None
        self.in_label = self.in_why = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "g" and "op" in cls:
            self.op = {"cls": cls, "tip": a.get("data-tip") or "", "label": ""}
            self.ops.append(self.op)
        elif tag == "text" and "oplabel" in cls and self.op is not None:
            self.in_label = True
        elif tag == "p" and "why" in cls:
            self.in_why = True
        elif tag == "tr" and cls:
            self.rows.append(cls)
    def handle_endtag(self, tag):
        if tag == "g":
            self.op = None
        elif tag == "text":
            self.in_label = False
        elif tag == "p":
            self.in_why = False
    def handle_data(self, data):
        if self.in_label and self.op is not None:
            self.op["label"] += data
        if self.in_why:
            self.why += data

p = Page()
p.feed(open(sys.argv[1], encoding="utf-8").read())
problems = []
unplaced = [o for o in p.ops if "unplaced" in o["cls"]]
overlap = [o for o in p.ops if "overlap" in o["cls"]]
if len(unplaced) != 1:
    problems.append(f"{len(unplaced)} operations marked as the one that cannot be placed, not 1")
for o in unplaced:
    if not o["label"].startswith("X get "):
        problems.append(f"the unplaced operation's label is {o['label']!r}, not 'X get ...'")
    if "COULD NOT BE PLACED" not in o["tip"] or "call " not in o["tip"] or "return " not in o["tip"]:
        problems.append("the unplaced operation's hover text lacks what it is, or its times")
if not overlap:
    problems.append("no operation is marked as overlapping the unplaced one")
for o in overlap:
    if not o["label"].strip():
        problems.append(f"an overlapping operation has no label: {o['tip'][:60]!r}")
    if "overlaps the operation that could not be placed" not in o["tip"] or "call " not in o["tip"]:
        problems.append("an overlapping operation's hover text does not say it overlaps, or lacks its times")
if "cannot come next" not in p.why or "state is" not in p.why or "overlap" not in p.why:
    problems.append(f"the headline does not explain the failure: {p.why[:200]!r}")
if ["unplaced"] not in p.rows or not any("overlap" in r for r in p.rows):
    problems.append("the table of deciding operations lacks the unplaced or the overlapping rows")
if problems:
    sys.exit("\n".join(problems))
print(f"DOM: 1 unplaced operation ({unplaced[0]['label']!r}), {len(overlap)} overlapping, all labelled; "
      "headline and table present")
PY

timeout 120 "$browser" "${flags[@]}" --window-size=1400,800 --screenshot="$work/linearizability.png" "file://$page" \
  >>"$work/chromium.err" 2>&1 || fail "chromium --screenshot failed"
python3 - "$work/linearizability.png" <<'PY' || fail "the screenshot is not a 1400x800 PNG"
import struct, sys
b = open(sys.argv[1], "rb").read(32)
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (1400, 800), f"{w}x{h}"
print(f"screenshot: {w}x{h} PNG")
PY
echo "PASS: $page in Chromium"
