//! The pure Raft core: state plus an input (a tick, a proposal, an RPC, a
//! reply) gives outputs the adapter pulls (messages, state to persist,
//! entries to apply). No threads, clock or I/O inside; every input carries
//! `now` in nanoseconds. Same design as the C++ reference's core (merged
//! sends with one data-carrying RPC in flight per follower, commit index
//! pushed at once, fast backup by term), so it meets the same RPC-count and
//! latency tests.
//!
//! PERSIST BEFORE SEND: after any input the adapter saves the state when
//! `take_persist()` says so, before it releases the lock guarding the core,
//! so every reply and message reflects persisted state only (Figure 2).
//!
//! Comments cite the extended Raft paper: Figure 2 for the rules, Figure 13
//! for InstallSnapshot.
use std::sync::Arc;

use crate::log::{Entry, Log};
use crate::messages::*;

pub const NEVER: i64 = i64::MAX;
const MS: i64 = 1_000_000;

/// Timing and batching knobs, as the reference's: a leader within 5 s, at
/// most ~10 heartbeats per second, timeouts spanning several heartbeats.
pub struct Timing {
    pub election_min: i64,
    pub election_max: i64,
    pub heartbeat: i64,
    /// A new entry or commit waits this long so that a burst of starts and
    /// the commit after it share one AppendEntries.
    pub batch_delay: i64,
    /// After this long an unanswered data-carrying send counts as lost.
    pub inflight_expiry: i64,
    /// After a send that failed, data goes again this much later.
    pub retry_backoff: i64,
    pub max_entries: usize,
    pub max_bytes: usize,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            election_min: 350 * MS,
            election_max: 700 * MS,
            heartbeat: 100 * MS,
            batch_delay: MS,
            inflight_expiry: 250 * MS,
            retry_backoff: 10 * MS,
            max_entries: 512,
            max_bytes: 512 * 1024,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Follower,
    Candidate,
    Leader,
}

pub enum Args {
    Vote(RequestVoteArgs),
    Append(AppendEntriesArgs),
    Snapshot(InstallSnapshotArgs),
}

/// An RPC to send; `seq` matches a late reply to its in-flight record.
pub struct Outgoing {
    pub peer: usize,
    pub seq: u64,
    pub args: Args,
}

impl Outgoing {
    pub fn method(&self) -> &'static str {
        match self.args {
            Args::Vote(_) => REQUEST_VOTE,
            Args::Append(_) => APPEND_ENTRIES,
            Args::Snapshot(_) => INSTALL_SNAPSHOT,
        }
    }
    pub fn encode(&self) -> Vec<u8> {
        match &self.args {
            Args::Vote(a) => a.encode(),
            Args::Append(a) => a.encode(),
            Args::Snapshot(a) => a.encode(),
        }
    }
}

/// One message for the service (MIT's ApplyMsg).
pub struct ApplyItem {
    pub is_snapshot: bool,
    pub index: i64,
    pub term: i64,
    pub data: Vec<u8>,
}

#[derive(Default, Clone, Copy)]
pub struct Wakeups {
    pub peers: bool,
    pub applier: bool,
    pub ticker: bool,
}

/// Figure 2's nextIndex/matchIndex plus flow control, per follower.
#[derive(Clone)]
struct Progress {
    next: i64,      // match < next <= last_index + 1 (leader)
    matched: i64,   // highest index known replicated; never decreases in a term
    inflight: bool, // a data-carrying send is outstanding...
    inflight_seq: u64,
    inflight_since: i64,
    send_due: i64, // an AppendEntries is wanted at this time
    heartbeat_due: i64,
    vote_pending: bool, // candidate: RequestVote not yet sent this term
    vote_granted: bool,
}

impl Default for Progress {
    fn default() -> Progress {
        Progress {
            next: 1,
            matched: 0,
            inflight: false,
            inflight_seq: 0,
            inflight_since: 0,
            send_due: NEVER,
            heartbeat_due: NEVER,
            vote_pending: false,
            vote_granted: false,
        }
    }
}

pub struct Core {
    me: usize,
    npeers: usize,
    timing: Timing,
    random: Box<dyn Fn() -> u64 + Send>,

    // Persistent state (Figure 2).
    term: i64,
    voted_for: i32,
    log: Log,
    snapshot: Arc<Vec<u8>>, // ends at log.snapshot_index()

    // Volatile state.
    role: Role,
    commit: i64,  // snapshot_index <= commit <= last_index; never decreases
    applied: i64, // highest index handed to the applier; <= commit
    election_deadline: i64,
    progress: Vec<Progress>,
    next_seq: u64,
    persist_needed: bool,
    wakeups: Wakeups,
}

impl Core {
    /// A peer restarting from `state` and `snapshot`. The service already
    /// holds the snapshot (the harness loads it), so applying resumes after it.
    pub fn new(
        me: usize,
        npeers: usize,
        random: Box<dyn Fn() -> u64 + Send>,
        state: PersistentState,
        snapshot: Vec<u8>,
        now: i64,
    ) -> Core {
        let log = Log::new(state.snapshot_index, state.snapshot_term, state.entries);
        let mut c = Core {
            me,
            npeers,
            timing: Timing::default(),
            random,
            term: state.term,
            voted_for: state.voted_for,
            commit: log.snapshot_index(),
            applied: log.snapshot_index(),
            log,
            snapshot: Arc::new(snapshot),
            role: Role::Follower,
            election_deadline: NEVER,
            progress: vec![Progress::default(); npeers],
            next_seq: 1,
            persist_needed: false,
            wakeups: Wakeups::default(),
        };
        c.reset_election_timer(now);
        c
    }

    // --- state ------------------------------------------------------------
    pub fn term(&self) -> i64 {
        self.term
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn is_leader(&self) -> bool {
        self.role == Role::Leader
    }
    pub fn commit_index(&self) -> i64 {
        self.commit
    }
    pub fn last_applied(&self) -> i64 {
        self.applied
    }
    pub fn log(&self) -> &Log {
        &self.log
    }
    pub fn snapshot(&self) -> &[u8] {
        &self.snapshot
    }
    pub fn encode_state(&self) -> Vec<u8> {
        encode_state(
            self.term,
            self.voted_for,
            self.log.snapshot_index(),
            self.log.snapshot_term(),
            self.log.entries(),
        )
    }
    pub fn take_persist(&mut self) -> bool {
        std::mem::replace(&mut self.persist_needed, false)
    }
    pub fn take_wakeups(&mut self) -> Wakeups {
        std::mem::take(&mut self.wakeups)
    }

    fn majority(&self) -> usize {
        self.npeers / 2 + 1
    }

    fn reset_election_timer(&mut self, now: i64) {
        let span = (self.timing.election_max - self.timing.election_min) as u64 + 1;
        self.election_deadline = now + self.timing.election_min + ((self.random)() % span) as i64;
    }

    // --- elections (section 5.2) ----------------------------------------------

    /// Figure 2, Followers and Candidates: on election timeout, start an
    /// election.
    pub fn tick(&mut self, now: i64) {
        if self.role != Role::Leader && now >= self.election_deadline {
            self.start_election(now);
        }
    }

    /// When tick() next has something to do.
    pub fn next_tick_at(&self) -> i64 {
        if self.role == Role::Leader {
            NEVER
        } else {
            self.election_deadline
        }
    }

    fn start_election(&mut self, now: i64) {
        self.term += 1;
        self.role = Role::Candidate;
        self.voted_for = self.me as i32;
        self.persist_needed = true;
        self.reset_election_timer(now);
        for p in 0..self.npeers {
            self.progress[p] = Progress {
                vote_granted: p == self.me,
                vote_pending: p != self.me,
                ..Progress::default()
            };
        }
        self.wakeups.peers = true;
        self.wakeups.ticker = true;
        if self.majority() == 1 {
            self.become_leader(now);
        }
    }

    /// Figure 2, All servers: a higher term makes us a follower of it.
    fn step_down(&mut self, term: i64, now: i64) {
        if term > self.term {
            self.term = term;
            self.voted_for = NONE;
            self.persist_needed = true;
        }
        if self.role == Role::Leader {
            self.reset_election_timer(now); // a leader had none
        }
        if self.role != Role::Follower {
            self.wakeups.peers = true;
            self.wakeups.ticker = true;
        }
        self.role = Role::Follower;
    }

    fn become_leader(&mut self, now: i64) {
        self.role = Role::Leader;
        self.election_deadline = NEVER;
        let last = self.log.last_index();
        for p in 0..self.npeers {
            // Figure 2: nextIndex starts at last log index + 1; an initial
            // empty AppendEntries (heartbeat) goes at once.
            self.progress[p] = Progress {
                next: last + 1,
                send_due: now,
                heartbeat_due: now,
                ..Progress::default()
            };
        }
        self.progress[self.me].matched = last;
        self.wakeups.peers = true;
        self.wakeups.ticker = true;
        // No no-op entry: the MIT tests expect the first command at index 1.
    }

    /// Section 5.4.1: at least as up-to-date as our log.
    fn candidate_up_to_date(&self, last_index: i64, last_term: i64) -> bool {
        if last_term != self.log.last_term() {
            return last_term > self.log.last_term();
        }
        last_index >= self.log.last_index()
    }

    pub fn handle_request_vote(&mut self, a: &RequestVoteArgs, now: i64) -> RequestVoteReply {
        if a.term > self.term {
            self.step_down(a.term, now);
        }
        let mut reply = RequestVoteReply {
            term: self.term,
            vote_granted: false,
        };
        // Figure 2, RequestVote rules 1 and 2.
        let may_vote = self.voted_for == NONE || self.voted_for == a.candidate;
        if a.term == self.term
            && may_vote
            && self.candidate_up_to_date(a.last_log_index, a.last_log_term)
        {
            if self.voted_for != a.candidate {
                self.persist_needed = true;
            }
            self.voted_for = a.candidate;
            reply.vote_granted = true;
            self.reset_election_timer(now); // granting a vote restarts the timer
        }
        reply
    }

    pub fn on_request_vote_reply(
        &mut self,
        out: &Outgoing,
        args: &RequestVoteArgs,
        r: &RequestVoteReply,
        now: i64,
    ) {
        if r.term > self.term {
            self.step_down(r.term, now);
        } else if self.role == Role::Candidate && args.term == self.term && r.vote_granted {
            self.progress[out.peer].vote_granted = true;
            let votes = self.progress.iter().filter(|p| p.vote_granted).count();
            if votes >= self.majority() {
                self.become_leader(now);
            }
        }
    }

    // --- log replication (section 5.3) ---------------------------------------------

    /// Start(): (index, term, is_leader).
    pub fn propose(&mut self, command: Vec<u8>, now: i64) -> (i64, i64, bool) {
        if self.role != Role::Leader {
            return (0, self.term, false);
        }
        self.log.append(Entry {
            term: self.term,
            command,
        });
        self.persist_needed = true;
        let last = self.log.last_index();
        self.progress[self.me].matched = last;
        self.progress[self.me].next = last + 1;
        if self.majority() == 1 {
            self.maybe_advance_commit(now);
        }
        self.schedule_send(now + self.timing.batch_delay);
        (last, self.term, true)
    }

    fn schedule_send(&mut self, at: i64) {
        for p in 0..self.npeers {
            if p != self.me {
                self.progress[p].send_due = self.progress[p].send_due.min(at);
            }
        }
        self.wakeups.peers = true;
    }

    fn make_append(&self, peer: usize, with_entries: bool) -> AppendEntriesArgs {
        let pr = &self.progress[peer];
        // A heartbeat sent while a snapshot is in flight checks at the
        // snapshot boundary instead.
        let prev = (pr.next - 1).max(self.log.snapshot_index());
        let mut a = AppendEntriesArgs {
            term: self.term,
            leader: self.me as i32,
            prev_log_index: prev,
            prev_log_term: self.log.term(prev).unwrap_or(0),
            entries: Vec::new(),
            leader_commit: self.commit,
        };
        if with_entries && prev < self.log.last_index() {
            a.entries = self
                .log
                .slice(prev + 1, self.timing.max_entries, self.timing.max_bytes);
        }
        a
    }

    /// The RPC due to `peer` now, if any, and when to ask again (NEVER when
    /// only an input can create work). When it returns None, wake_at > now.
    pub fn next_message(&mut self, peer: usize, now: i64) -> (Option<Outgoing>, i64) {
        if peer == self.me {
            return (None, NEVER);
        }
        if self.role == Role::Candidate {
            if !self.progress[peer].vote_pending {
                return (None, NEVER);
            }
            self.progress[peer].vote_pending = false;
            let seq = self.next_seq;
            self.next_seq += 1;
            let args = RequestVoteArgs {
                term: self.term,
                candidate: self.me as i32,
                last_log_index: self.log.last_index(),
                last_log_term: self.log.last_term(),
            };
            return (
                Some(Outgoing {
                    peer,
                    seq,
                    args: Args::Vote(args),
                }),
                now,
            );
        }
        if self.role != Role::Leader {
            return (None, NEVER);
        }
        let t = &self.timing;
        let (heartbeat, expiry) = (t.heartbeat, t.inflight_expiry);
        let pr = &self.progress[peer];
        let expired = pr.inflight && now - pr.inflight_since >= expiry;
        let can_send_data = !pr.inflight || expired;
        if can_send_data && (pr.send_due <= now || pr.heartbeat_due <= now) {
            let seq = self.next_seq;
            self.next_seq += 1;
            let (args, inflight) = if pr.next <= self.log.snapshot_index() {
                // The entries this follower needs are gone: send the
                // snapshot (Figure 13, whole snapshot in one message).
                let a = InstallSnapshotArgs {
                    term: self.term,
                    leader: self.me as i32,
                    last_included_index: self.log.snapshot_index(),
                    last_included_term: self.log.snapshot_term(),
                    data: Arc::clone(&self.snapshot),
                };
                (Args::Snapshot(a), true)
            } else {
                let a = self.make_append(peer, true);
                let inflight = !a.entries.is_empty();
                (Args::Append(a), inflight)
            };
            let pr = &mut self.progress[peer];
            pr.inflight = inflight;
            pr.inflight_seq = seq;
            pr.inflight_since = now;
            pr.send_due = NEVER;
            pr.heartbeat_due = now + heartbeat;
            return (Some(Outgoing { peer, seq, args }), now);
        }
        if !can_send_data && pr.heartbeat_due <= now {
            // Data still in flight (perhaps to a partitioned peer whose call
            // hangs): keep the follower's timer quiet without resending it.
            let seq = self.next_seq;
            self.next_seq += 1;
            let a = self.make_append(peer, false);
            self.progress[peer].heartbeat_due = now + heartbeat;
            return (
                Some(Outgoing {
                    peer,
                    seq,
                    args: Args::Append(a),
                }),
                now,
            );
        }
        let wake_at = if can_send_data {
            pr.send_due.min(pr.heartbeat_due)
        } else {
            pr.heartbeat_due.min(pr.inflight_since + expiry)
        };
        debug_assert!(wake_at > now);
        (None, wake_at)
    }

    pub fn handle_append_entries(&mut self, a: &AppendEntriesArgs, now: i64) -> AppendEntriesReply {
        if a.term > self.term {
            self.step_down(a.term, now);
        }
        let mut reply = AppendEntriesReply {
            term: self.term,
            ..AppendEntriesReply::default()
        };
        // Figure 2, AppendEntries rule 1: reply false if term < currentTerm.
        if a.term < self.term {
            reply.x_len = self.log.last_index() + 1;
            return reply;
        }
        if self.role == Role::Candidate {
            self.step_down(self.term, now); // section 5.2: a leader of our term exists
        }
        self.reset_election_timer(now);

        let prev = a.prev_log_index;
        let mut first = 0usize; // first entry not yet known to match
        if prev < self.log.snapshot_index() {
            // Everything in the snapshot is committed and so matches the
            // leader's log (Leader Completeness): skip what it covers.
            first = (a.entries.len() as i64).min(self.log.snapshot_index() - prev) as usize;
        } else if prev > self.log.last_index() {
            // Rule 2: no entry at prevLogIndex.
            reply.x_len = self.log.last_index() + 1;
            return reply;
        } else if self.log.term(prev) != Some(a.prev_log_term) {
            // Rule 2: term mismatch at prevLogIndex, with fast-backup hints.
            reply.x_term = self.log.term(prev).unwrap_or(0);
            reply.x_index = if prev > self.log.snapshot_index() {
                self.log.first_index_of_term_at(prev)
            } else {
                prev
            };
            reply.x_len = self.log.last_index() + 1;
            return reply;
        }
        for (k, e) in a.entries.iter().enumerate().skip(first) {
            let index = prev + 1 + k as i64;
            if index <= self.log.last_index() {
                // Rule 3: only a real conflict truncates; a late, shorter
                // AppendEntries must never cut off entries a newer one added.
                if self.log.term(index) == Some(e.term) {
                    continue;
                }
                self.log.truncate_from(index);
            }
            // Rule 4: append any new entries not already in the log.
            self.log.append(e.clone());
            self.persist_needed = true;
        }
        // Rule 5: commitIndex = min(leaderCommit, index of last new entry).
        let last_new = prev + a.entries.len() as i64;
        let new_commit = a.leader_commit.min(last_new);
        if new_commit > self.commit {
            self.commit = new_commit;
            self.wakeups.applier = true;
        }
        reply.success = true;
        reply
    }

    pub fn on_append_entries_reply(
        &mut self,
        out: &Outgoing,
        args: &AppendEntriesArgs,
        r: &AppendEntriesReply,
        now: i64,
    ) {
        let pr = &mut self.progress[out.peer];
        if pr.inflight && pr.inflight_seq == out.seq {
            pr.inflight = false;
        }
        self.wakeups.peers = true;
        if r.term > self.term {
            self.step_down(r.term, now);
            return;
        }
        if self.role != Role::Leader || args.term != self.term {
            return; // a reply from an older term (section 5.1: ignore)
        }
        if r.success {
            // max(): replies may come back out of order.
            let pr = &mut self.progress[out.peer];
            pr.matched = pr
                .matched
                .max(args.prev_log_index + args.entries.len() as i64);
            pr.next = pr.next.max(pr.matched + 1);
            self.maybe_advance_commit(now);
        } else {
            // Fast backup: a whole term at a time.
            let next = if r.x_term == 0 {
                r.x_len // the follower's log is too short
            } else if let Some(last) = self.log.last_index_of_term(r.x_term) {
                last + 1 // we have x_term: resume after our last entry of it
            } else if r.x_term == self.log.snapshot_term() {
                self.log.snapshot_index() + 1
            } else {
                r.x_index // we lack x_term: skip all of the follower's
            };
            let last = self.log.last_index();
            let pr = &mut self.progress[out.peer];
            pr.next = next.max(pr.matched + 1).min(last + 1);
            pr.send_due = now;
        }
        let last = self.log.last_index();
        let pr = &mut self.progress[out.peer];
        if pr.next <= last {
            pr.send_due = pr.send_due.min(now);
        }
    }

    fn maybe_advance_commit(&mut self, now: i64) {
        if self.role != Role::Leader {
            return;
        }
        let mut matches: Vec<i64> = (0..self.npeers)
            .map(|p| {
                if p == self.me {
                    self.log.last_index()
                } else {
                    self.progress[p].matched
                }
            })
            .collect();
        matches.sort_unstable_by(|a, b| b.cmp(a));
        let n = matches[self.majority() - 1];
        // Figure 2, Leaders: commit N when a majority has it and log[N] is of
        // the current term (Figure 8: never count replicas of older terms).
        if n > self.commit && self.log.term(n) == Some(self.term) {
            self.commit = n;
            self.wakeups.applier = true;
            self.schedule_send(now + self.timing.batch_delay); // tell followers soon
        }
    }

    // --- snapshots (section 7, Figure 13) ------------------------------------------

    /// The service's snapshot covers 1..=index. False (and nothing done)
    /// when index is beyond what was handed to the applier.
    pub fn snapshot_to(&mut self, index: i64, snapshot: Vec<u8>) -> bool {
        if index <= self.log.snapshot_index() {
            return true;
        }
        if index > self.applied {
            return false;
        }
        self.log.compact_to(index);
        self.snapshot = Arc::new(snapshot);
        self.persist_needed = true;
        self.wakeups.peers = true;
        true
    }

    pub fn handle_install_snapshot(
        &mut self,
        a: &InstallSnapshotArgs,
        now: i64,
    ) -> InstallSnapshotReply {
        if a.term > self.term {
            self.step_down(a.term, now);
        }
        let reply = InstallSnapshotReply { term: self.term };
        if a.term < self.term {
            return reply; // Figure 13, rule 1
        }
        if self.role == Role::Candidate {
            self.step_down(self.term, now);
        }
        self.reset_election_timer(now);
        let index = a.last_included_index;
        if index <= self.commit {
            return reply; // nothing new; the service never moves backwards
        }
        // Rules 6 and 7: keep the entries after a matching entry, else
        // discard the log.
        if self.log.term(index) == Some(a.last_included_term) {
            self.log.compact_to(index);
        } else {
            self.log.reset_to_snapshot(index, a.last_included_term);
        }
        self.snapshot = Arc::clone(&a.data);
        // Rule 8: the applier delivers the snapshot before any later command.
        self.commit = index;
        self.persist_needed = true;
        self.wakeups.applier = true;
        reply
    }

    pub fn on_install_snapshot_reply(
        &mut self,
        out: &Outgoing,
        args: &InstallSnapshotArgs,
        r: &InstallSnapshotReply,
        now: i64,
    ) {
        let last = self.log.last_index();
        let pr = &mut self.progress[out.peer];
        if pr.inflight && pr.inflight_seq == out.seq {
            pr.inflight = false;
        }
        self.wakeups.peers = true;
        if r.term > self.term {
            self.step_down(r.term, now);
        } else if self.role == Role::Leader && args.term == self.term {
            let pr = &mut self.progress[out.peer];
            pr.matched = pr.matched.max(args.last_included_index);
            pr.next = pr.next.max(pr.matched + 1);
            if pr.next <= last {
                pr.send_due = pr.send_due.min(now);
            }
        }
    }

    /// `out` got no reply: its data may go again after retry_backoff.
    pub fn on_send_failed(&mut self, out: &Outgoing, now: i64) {
        let backoff = self.timing.retry_backoff;
        let leader = self.role == Role::Leader;
        let pr = &mut self.progress[out.peer];
        // seq numbers only grow and become_leader resets progress, so a
        // matching seq means this send belongs to the current leadership.
        if leader && pr.inflight && pr.inflight_seq == out.seq {
            pr.inflight = false;
            pr.send_due = pr.send_due.min(now + backoff);
            self.wakeups.peers = true;
        }
    }

    // --- apply ----------------------------------------------------------------------

    pub fn has_apply(&self) -> bool {
        self.log.snapshot_index() > self.applied || self.applied < self.commit
    }

    /// Up to max_items messages for the service, in order. A pending
    /// installed snapshot comes alone, before any command.
    pub fn take_apply(&mut self, max_items: usize) -> Vec<ApplyItem> {
        let mut out = Vec::new();
        if self.log.snapshot_index() > self.applied {
            out.push(ApplyItem {
                is_snapshot: true,
                index: self.log.snapshot_index(),
                term: self.log.snapshot_term(),
                data: self.snapshot.to_vec(),
            });
            self.applied = self.log.snapshot_index();
        } else {
            // Figure 2, All servers: apply log[lastApplied] in order.
            while self.applied < self.commit && out.len() < max_items {
                self.applied += 1;
                let e = self.log.at(self.applied);
                out.push(ApplyItem {
                    is_snapshot: false,
                    index: self.applied,
                    term: e.term,
                    data: e.command.clone(),
                });
            }
        }
        out
    }
}
