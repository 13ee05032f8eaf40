//! Your Raft. One `Raft` value is one peer of the cluster; the harness
//! (labtest) makes one per peer and per restart, each from its own copy of
//! libraft.so, and talks to it only through the `raftlab::Raft` trait.
//!
//! As shipped it builds, loads, answers RPCs and never elects a leader, so
//! labtest's part 1 fails with "expected one leader, got none". Work
//! through the TODO(partN) comments in order:
//!   part 1  leader election                  TODO(part1)
//!   part 2  log replication                  TODO(part2)
//!   part 3  persistence                      TODO(part3)
//!   part 4  log compaction (snapshots)       TODO(part4)
//! Read Figure 2 of the extended Raft paper (Figure 13 for part 4) first;
//! the field names below follow it.
//!
//! Traps, each explained where it bites below:
//!   - an RPC may fail (None) or take seconds: never hold the lock across it
//!   - start must return at once: never wait for agreement in it
//!   - never hold the lock while calling host.apply_command / apply_snapshot
//!   - every loop must check killed(), and kill() must join every thread
//!   - persist before you reply to an RPC or send one that depends on the
//!     new state
//!
//! Thread safety: the harness calls start, get_state, handle_rpc, snapshot
//! and persist_bytes concurrently, so all shared state sits behind `mu`.
// Remove this once every part is done: until then the stubs leave fields
// and helpers unused.
#![allow(dead_code)]

mod messages;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use raftlab::{Condvar, Host, JoinHandle, Level, Mutex, RpcError, StartResult, MILLISECOND};

use messages::{AppendEntriesArgs, AppendEntriesReply, RequestVoteArgs, RequestVoteReply};

const REQUEST_VOTE: &str = "Raft.RequestVote";
const APPEND_ENTRIES: &str = "Raft.AppendEntries";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Follower,
    Candidate,
    Leader,
}

/// One log entry. Commands are opaque bytes: never look inside them.
#[derive(Clone, Debug)]
pub struct LogEntry {
    pub term: i64,
    pub command: Vec<u8>,
}

/// Everything `mu` guards.
struct State {
    // Persistent state on all servers (Figure 2). Save it with persist()
    // BEFORE you reply to an RPC or send one that depends on it.
    current_term: i64,
    voted_for: Option<usize>,
    log: Vec<LogEntry>, // TODO(part2): decide how index 1 maps to a slot

    // Volatile state on all servers.
    role: Role,
    commit_index: i64,
    last_applied: i64,

    // Volatile state on leaders, reinitialised after each election.
    next_index: Vec<i64>,
    match_index: Vec<i64>,

    // TODO(part1): when the election timer last reset, and your timeout.
    // TODO(part4): the last included index/term of your snapshot, and the
    // snapshot bytes (you must pass them on every save, see persist()).
    snapshot: Vec<u8>,
}

/// What the peer's threads share (hence the Arc).
struct Peer {
    host: Host,
    me: usize,
    npeers: usize,
    dead: AtomicBool,
    mu: Mutex<State>,
    cv: Condvar, // notify it when state changes that threads wait on
}

pub struct Raft {
    peer: Arc<Peer>,
    // Joined by kill().
    threads: Mutex<Vec<JoinHandle>>,
}

impl raftlab::Raft for Raft {
    fn make(host: Host, me: usize, npeers: usize) -> Result<Raft, String> {
        let state = State {
            current_term: 0,
            voted_for: None,
            log: Vec::new(),
            role: Role::Follower,
            commit_index: 0,
            last_applied: 0,
            next_index: vec![0; npeers],
            match_index: vec![0; npeers],
            snapshot: Vec::new(),
        };
        let peer = Arc::new(Peer {
            host,
            me,
            npeers,
            dead: AtomicBool::new(false),
            mu: Mutex::new(&host, state),
            cv: Condvar::new(&host),
        });
        {
            let mut st = peer.mu.lock();
            // Part 3: come back from a crash with what you saved.
            peer.read_persist(&mut st, &host.read_state())?;
            // TODO(part4): st.snapshot = host.read_snapshot(); and restore the
            // last included index/term. The harness already gave the snapshot
            // to the service, so start applying at the snapshot's index + 1
            // (set last_applied and commit_index to it); do NOT apply it again.
            peer.log_state(&st, "started");
        }
        // make must return quickly: long-running work goes on threads. Use
        // the host's threads (raftlab::spawn) so the harness can name them in
        // stack dumps, and join every one of them in kill().
        let ticker = {
            let p = Arc::clone(&peer);
            raftlab::spawn(&host, "ticker", move || p.ticker())
        };
        // TODO(part2): start your applier thread here.
        Ok(Raft {
            peer,
            threads: Mutex::new(&host, vec![ticker]),
        })
    }

    fn start(&self, command: &[u8]) -> StartResult {
        let st = self.peer.mu.lock();
        let r = StartResult {
            index: 0,
            term: st.current_term,
            is_leader: false,
        };
        if st.role != Role::Leader || self.peer.killed() {
            return r; // not leader: is_leader = false
        }
        // TODO(part2): append LogEntry { term: current_term, command:
        // command.to_vec() } to the log, persist, wake the senders, and return
        // its index (the first command is at index 1).
        //
        // Trap: start must return AT ONCE. Never wait here for the entry to
        // commit, and never call host.call from here. But do get the entry to
        // the followers soon (not only on the next heartbeat): the latency
        // test times start() until the leader applies. Batching is up to you:
        // the RPC-count tests allow one AppendEntries per follower for each
        // start() and one more for each commit advance (README: "What the
        // timing and count tests demand").
        let _ = command;
        r
    }

    fn get_state(&self) -> (i64, bool) {
        let st = self.peer.mu.lock();
        (st.current_term, st.role == Role::Leader)
    }

    fn handle_rpc(&self, method: &str, req: &[u8]) -> Result<Vec<u8>, RpcError> {
        match method {
            REQUEST_VOTE => {
                let args = RequestVoteArgs::decode(req).ok_or(RpcError::Malformed)?;
                Ok(self.peer.handle_request_vote(&args).encode())
            }
            APPEND_ENTRIES => {
                let args = AppendEntriesArgs::decode(req).ok_or(RpcError::Malformed)?;
                Ok(self.peer.handle_append_entries(&args).encode())
            }
            // TODO(part4): "Raft.InstallSnapshot".
            // The harness reports unknown method names as your error: check
            // the spelling.
            _ => Err(RpcError::UnknownMethod),
        }
    }

    fn snapshot(&self, index: i64, snapshot: &[u8]) {
        // TODO(part4): the service has a snapshot of everything up to and
        // including `index`: drop those entries (keep the index and term of
        // the last one), keep snapshot.to_vec() in st.snapshot, and persist.
        //
        // Trap: this is called from the harness's applier, possibly WHILE
        // your applier is inside host.apply_command. If you hold mu around
        // that call, this lock deadlocks.
        let _st = self.peer.mu.lock();
        let _ = (index, snapshot);
    }

    fn persist_bytes(&self) -> i64 {
        self.peer.host.state_size() as i64
    }

    fn kill(&self) {
        // Trap: kill() must stop and JOIN every thread before it returns, or
        // the harness reports a zombie. Set the flag, wake whoever waits, join.
        {
            let _st = self.peer.mu.lock();
            self.peer.dead.store(true, Ordering::SeqCst);
            self.peer.cv.notify_all();
        }
        let threads = std::mem::take(&mut *self.threads.lock());
        for t in threads {
            t.join();
        }
    }
}

impl Peer {
    fn killed(&self) -> bool {
        self.dead.load(Ordering::SeqCst) || self.host.killed()
    }

    // --- RPC handlers (run on harness threads) ---------------------------------

    fn handle_request_vote(&self, args: &RequestVoteArgs) -> RequestVoteReply {
        let st = self.mu.lock();
        // TODO(part1): Figure 2, RequestVote RPC, receiver implementation:
        // adopt a higher term (becoming follower), refuse an older term, grant
        // at most one vote per term, and (part 2) only to a candidate whose
        // log is at least as up-to-date as yours (section 5.4.1). Reset your
        // election timer when you grant a vote.
        //
        // Trap: persist before replying. If you grant a vote, crash and
        // restart without having saved voted_for, you may vote twice in one
        // term.
        let _ = args;
        RequestVoteReply {
            term: st.current_term,
            vote_granted: false,
        }
    }

    fn handle_append_entries(&self, args: &AppendEntriesArgs) -> AppendEntriesReply {
        let st = self.mu.lock();
        // TODO(part1): a heartbeat from a current leader: adopt its term if
        // higher, become follower, reset the election timer.
        // TODO(part2): Figure 2, AppendEntries rules 1-5. Careful with rule 3:
        // delete entries only on a real conflict, because an old, reordered
        // AppendEntries must not cut off entries a newer one added.
        //
        // Trap: persist before replying when the log or term changed.
        let _ = args;
        AppendEntriesReply {
            term: st.current_term,
            success: false,
        }
    }

    // --- RPC senders (call WITHOUT holding mu) -----------------------------------

    /// Trap: the RPC may FAIL (None: lost request or reply, peer down or
    /// partitioned) and may take up to ~7 s to do so. Never hold mu here, do
    /// not retry forever, and send to each peer from its own thread so one
    /// slow peer does not stall the others. No timeouts of your own: the
    /// host already implements them.
    fn send_request_vote(&self, peer: usize, args: &RequestVoteArgs) -> Option<RequestVoteReply> {
        let reply = self.host.call(peer, REQUEST_VOTE, &args.encode())?;
        RequestVoteReply::decode(&reply)
    }

    /// After it returns: lock mu, and check that you are still leader of
    /// args.term before you use the reply (replies can come back late, out
    /// of order, or from an older term).
    fn send_append_entries(
        &self,
        peer: usize,
        args: &AppendEntriesArgs,
    ) -> Option<AppendEntriesReply> {
        let reply = self.host.call(peer, APPEND_ENTRIES, &args.encode())?;
        AppendEntriesReply::decode(&reply)
    }

    // --- background work ------------------------------------------------------------

    fn ticker(&self) {
        // Trap: check killed() in every loop, or a killed peer keeps running
        // (and labtest reports it). host.sleep_ns returns early once the peer
        // is killed.
        while !self.killed() {
            // TODO(part1): if this peer is not the leader and has heard nothing
            // from a leader (and granted no vote) within its election timeout,
            // start an election: new term, vote for yourself, persist, then
            // send RequestVote to every other peer in parallel (one thread
            // each, or long-lived sender threads) WITHOUT holding mu.
            // TODO(part1): as leader, send heartbeats, at most 10 per second.
            //
            // Pick a random timeout (e.g. 300-600 ms) from host.random_range,
            // so that a seed replays the same run; the tester wants a new
            // leader within 5 s of a failure.
            self.host
                .sleep_ns(self.host.random_range(50, 150) * MILLISECOND);
        }
    }

    // TODO(part2): the applier. A thread that waits on cv until
    // commit_index > last_applied, copies the entries to deliver, DROPS the
    // guard, calls host.apply_command(index, term, &command) for each in
    // order, and locks again. Trap: never hold mu while applying: the
    // harness may call snapshot() (which locks mu) before apply_command
    // returns. apply_command returns false once the peer is killed: stop then.
    //
    // TODO(part4): when you install a snapshot from the leader, deliver it
    // with host.apply_snapshot(index, term, &bytes) from the same thread, in
    // order with the commands, and never move the service backwards.

    // --- persistence (part 3) ---------------------------------------------------------

    /// Call it (holding mu) after every change to the persistent state and
    /// before any reply or send that depends on the change.
    fn persist(&self, st: &State) {
        // TODO(part3): encode current_term, voted_for and the log (and, part
        // 4, the snapshot's last included index and term) with
        // raftlab::Encoder and save them with self.host.save(&state,
        // &st.snapshot).
        //
        // save replaces BOTH the state and the snapshot: pass st.snapshot
        // every time, or an empty one erases the snapshot you saved.
        let _ = st;
    }

    fn read_persist(&self, st: &mut State, saved: &[u8]) -> Result<(), String> {
        if saved.is_empty() {
            return Ok(()); // first boot
        }
        // TODO(part3): decode what persist() wrote, in the same order, with
        // raftlab::Decoder; check finish() before trusting it, and return an
        // Err (the test fails with your message) if it is corrupt.
        let _ = st;
        Ok(())
    }

    /// Logs one line with the peer's role, term, vote, log length, commit
    /// and applied indices, prefixed by `what`. Log generously: lines cost
    /// little and are shown only when a test fails, or live with -v.
    fn log_state(&self, st: &State, what: &str) {
        self.host.logf(
            Level::Debug,
            format_args!(
                "{}: peer {}/{} {:?} term {} voted_for {:?} log {} commit {} applied {}",
                what,
                self.me,
                self.npeers,
                st.role,
                st.current_term,
                st.voted_for,
                st.log.len(),
                st.commit_index,
                st.last_applied
            ),
        );
    }
}

// The one exported symbol: the harness finds your Raft through it. Part 5
// (the key/value service) is not available in Rust: its tests report
// "skipped: not implemented".
raftlab::export_raft!(Raft, "student-raft-rust", "0.1");
