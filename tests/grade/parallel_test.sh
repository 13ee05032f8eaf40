#!/usr/bin/env bash
# grade.sh parallel --sshloginfile (tests/grade/CMakeLists.txt runs it) against
# localhost. As root with OpenSSH's sshd installed, the test starts an sshd of
# its own on a loopback port (its own host key, a client key made here, the
# remote HOME set to a folder of the test) and the sshloginfile names
# `ssh -p PORT -i KEY root@127.0.0.1`. Otherwise it falls back to a stand-in
# for ssh (fake_ssh below: runs the command here, in a home folder of its
# own; an sshloginfile line may name the ssh command, as GNU parallel
# documents). Each student's files go out with GNU parallel's --transferfile
# (rsync over ssh) and the results come back with --return. The class and the
# checks follow plan_one_collect_test.sh: the grades equal a plain local run's,
# the remote host calibrated once (its cache in the remote home), every DONE
# names the host and its calibration, and collect flags the refused one.
#
# Usage: parallel_test.sh LABTEST COLLECT CRASH_SO SOURCE_ROOT
set -euo pipefail
LABTEST="$1" COLLECT="$2" CRASH="$3" ROOT="$4"
TMP="$(mktemp -d)"
stop_sshd() { [[ ! -f "$TMP/sshd.pid" ]] || kill "$(cat "$TMP/sshd.pid")" 2>/dev/null || true; }
trap 'stop_sshd; [[ -n "${KEEP:-}" ]] || rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v parallel > /dev/null || fail "GNU parallel is missing (scripts/setup.sh installs it)"
command -v rsync > /dev/null || fail "rsync is missing (scripts/setup.sh installs it)"

mkdir -p "$TMP/subs" "$TMP/remote-home"
cp "$CRASH" "$TMP/subs/carol.so"
cp "$CRASH" "$TMP/subs/dave.so"
mkdir -p "$TMP/subs/erin"
echo 'this is not cmake(' > "$TMP/subs/erin/CMakeLists.txt"
SUBS=("$TMP/subs/carol.so" "$TMP/subs/dave.so" "$TMP/subs/erin")
FLAGS=(--labtest "$LABTEST" --collect "$COLLECT" --part 1 --jobs 2 --jobs-per-student 1
       --calibration-plugin "$CRASH" --force)

cat > "$TMP/fake_ssh" <<FAKE
#!/usr/bin/env bash
# ssh [options] host [options] [--] command...: runs the command here as the
# remote shell would (OpenSSH also takes options after the host).
skip_options() {
  while [[ \$# -gt 0 && "\$1" == -* ]]; do
    case "\$1" in --) shift; break ;; -l|-p|-o|-i|-F|-S|-E|-c|-m|-O) shift 2 ;; *) shift ;; esac
  done
  args=("\$@")
}
skip_options "\$@"
set -- "\${args[@]:1}"   # without the host
skip_options "\$@"
set -- "\${args[@]}"
echo "\$(date +%s) \$*" >> "$TMP/ssh.log"
export HOME="$TMP/remote-home"
cd "\$HOME"
exec bash -c "\$*"
FAKE
chmod +x "$TMP/fake_ssh"

# A real sshd on a loopback port when it can run here.
start_sshd() {
  local sshd
  sshd="$(command -v sshd || echo /usr/sbin/sshd)"
  [[ -x "$sshd" && "$(id -u)" -eq 0 ]] && command -v ssh > /dev/null && command -v ssh-keygen > /dev/null || return 1
  ssh-keygen -q -t ed25519 -N '' -f "$TMP/host_key" && ssh-keygen -q -t ed25519 -N '' -f "$TMP/client_key" || return 1
  cp "$TMP/client_key.pub" "$TMP/authorized_keys"
  SSH_PORT=$(( 30000 + RANDOM % 20000 ))
  cat > "$TMP/sshd_config" <<CONF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $TMP/host_key
PidFile $TMP/sshd.pid
AuthorizedKeysFile $TMP/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
SetEnv HOME=$TMP/remote-home
CONF
  mkdir -p /run/sshd   # sshd's privilege separation folder (made at boot where sshd is a service)
  "$sshd" -f "$TMP/sshd_config" -E "$TMP/sshd.log" || return 1
  SSH_CMD="ssh -p $SSH_PORT -i $TMP/client_key -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR"
  for _ in $(seq 1 50); do
    $SSH_CMD root@127.0.0.1 true 2> /dev/null && return 0
    sleep 0.2
  done
  return 1
}
if start_sshd; then
  MODE=sshd
  echo "2/$SSH_CMD root@127.0.0.1" > "$TMP/sshlogins"
else
  MODE=wrapper
  echo "2/$TMP/fake_ssh localhost" > "$TMP/sshlogins"
fi
echo "parallel_test: reaching localhost through $MODE"

"$ROOT/grade.sh" "${FLAGS[@]}" --out "$TMP/local" "${SUBS[@]}" > "$TMP/local.log" 2>&1 ||
  { cat "$TMP/local.log"; fail "the plain grade.sh run failed"; }

rc=0; "$ROOT/grade.sh" parallel "${FLAGS[@]}" --out "$TMP/x" "${SUBS[@]}" > /dev/null 2>&1 || rc=$?
[[ "$rc" -eq 2 ]] || fail "parallel without --sshloginfile: exit $rc, expected 2"

OUT="$TMP/remote"
"$ROOT/grade.sh" parallel --sshloginfile "$TMP/sshlogins" "${FLAGS[@]}" --out "$OUT" "${SUBS[@]}" \
  > "$TMP/parallel.log" 2>&1 || { cat "$TMP/parallel.log"; fail "grade.sh parallel failed"; }
cat "$TMP/parallel.log"
if [[ "$MODE" == sshd ]]; then
  grep -q "Accepted publickey for root" "$TMP/sshd.log" || fail "nothing logged in through sshd: $(cat "$TMP/sshd.log")"
else
  grep -q "rsync" "$TMP/ssh.log" || fail "no file went through rsync over ssh: $(cat "$TMP/ssh.log")"
fi
# Graded over there, on the copy that went out (GNU parallel's work folder).
for s in carol dave erin; do
  grep -q "/.parallel/tmp/.*/$s" "$OUT/$s/submission" ||
    fail "$s was not graded from a transferred copy: $(cat "$OUT/$s/submission")"
done
cmp "$OUT/grades.csv" "$TMP/local/grades.csv" || fail "grades.csv over parallel differs from the local run's"
cals=("$TMP"/remote-home/.cache/raftlab-grade/calibrations/*/)
[[ ${#cals[@]} -eq 1 ]] || fail "the remote host calibrated ${#cals[@]} times: ${cals[*]}"
cal="$(basename "${cals[0]}")"
for s in carol dave erin; do
  grep -q "^calibration=$cal$" "$OUT/$s/DONE" || fail "$s's DONE does not name the remote calibration: $(cat "$OUT/$s/DONE")"
  grep -q "^host=" "$OUT/$s/DONE" || fail "$s's DONE names no host"
  [[ -s "$OUT/$s/gradescope.json" && -s "$OUT/$s/junit.xml" ]] || fail "$s's reports did not come back"
done
[[ -f "$OUT/calibrations/$cal/key" ]] || fail "the remote calibration's key did not come back"
grep -q "calibration $cal on .* was refused (--force): carol dave erin" "$TMP/parallel.log" ||
  fail "collect did not flag the refused remote calibration"
for s in carol dave erin; do   # each job's work folder (.../.parallel/tmp/HOST-PID-SEQ) is gone
  work="$(dirname "$(dirname "$(cat "$OUT/$s/submission")")")"
  [[ ! -e "$work" ]] || fail "parallel left $s's work folder $work on the remote"
done
echo "PASS"
