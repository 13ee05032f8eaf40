#!/usr/bin/env bash
# Runs a command and requires its exit code and a line of its output
# (stdout and stderr together) matching an extended regular expression.
#
#   expect.sh CODE REGEX -- COMMAND [ARGS...]
set -u
want_code=$1 regex=$2
shift 2
[ "${1:-}" = "--" ] && shift
out=$("$@" 2>&1)
code=$?
ok=1
if [ "$code" -ne "$want_code" ]; then
  echo "FAIL: exit code $code, expected $want_code"
  ok=0
fi
if ! grep -Eq -- "$regex" <<<"$out"; then
  echo "FAIL: no line matches: $regex"
  ok=0
fi
if [ "$ok" -eq 0 ]; then
  echo "--- output ---"
  tail -40 <<<"$out"
  exit 1
fi
echo "ok: exit $code and a line matching: $regex"
