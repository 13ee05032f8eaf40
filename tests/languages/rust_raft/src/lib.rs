//! A complete Raft (parts 1-4) in Rust on raftlab's Rust glue: the pure core
//! (core.rs, log.rs, messages.rs) and this adapter, which maps it onto the
//! host's threads, locks and condition variables, as the C++ reference's
//! adapter does.
//!
//! Threads of one peer, started in make and joined in kill:
//!   ticker   sleeps until Core::next_tick_at, then ticks (elections)
//!   applier  takes committed entries and calls host.apply_* WITHOUT the
//!            lock (the harness may call snapshot() from inside apply)
//!   senders  per other peer, a pool that starts with one thread and grows
//!            (up to MAX_SENDERS_PER_PEER) whenever all of that peer's
//!            threads are inside a call, so a heartbeat is never stuck
//!            behind calls hanging on a partitioned peer.
//! No thread busy-waits. Persist before send: every input to the core is
//! followed, under the same lock, by after_change(), which saves the state
//! if it changed before any reply or request can leave.
mod core;
mod log;
mod messages;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use raftlab::{Condvar, Host, JoinHandle, Level, Mutex, MutexGuard, RpcError, StartResult};

use crate::core::{ApplyItem, Args, Core, Outgoing, Role, NEVER};
use crate::messages::*;

const MAX_SENDERS_PER_PEER: usize = 16;
const APPLY_BATCH: usize = 64;

struct Inner {
    core: Core,
    logged_role: Role,
    logged_term: i64,
    senders: Vec<usize>, // sender threads per peer
    busy: Vec<usize>,    // of those, inside a call
    // Appended only while !dead (under the lock), so kill can take and join them.
    threads: Vec<JoinHandle>,
}

struct Shared {
    host: Host,
    me: usize,
    npeers: usize,
    dead: AtomicBool,
    mu: Mutex<Inner>,
    tick_cv: Condvar,
    apply_cv: Condvar,
    peer_cv: Vec<Condvar>, // senders of peer p wait on [p]
}

pub struct RustRaft {
    shared: Arc<Shared>,
}

impl raftlab::Raft for RustRaft {
    fn make(host: Host, me: usize, npeers: usize) -> Result<RustRaft, String> {
        let saved = host.read_state();
        let state = if saved.is_empty() {
            PersistentState {
                voted_for: NONE,
                ..PersistentState::default()
            }
        } else {
            decode_state(&saved)
                .ok_or_else(|| format!("persisted Raft state is corrupt ({} bytes)", saved.len()))?
        };
        if !saved.is_empty() {
            host.logf(
                Level::Debug,
                format_args!(
                    "restarted: term {}, snapshot at {}, {} entries after it",
                    state.term,
                    state.snapshot_index,
                    state.entries.len()
                ),
            );
        }
        let core = Core::new(
            me,
            npeers,
            Box::new(move || host.random_u64()),
            state,
            host.read_snapshot(),
            host.now_ns(),
        );
        let shared = Arc::new(Shared {
            host,
            me,
            npeers,
            dead: AtomicBool::new(false),
            mu: Mutex::new(
                &host,
                Inner {
                    logged_role: Role::Follower,
                    logged_term: core.term(),
                    core,
                    senders: vec![0; npeers],
                    busy: vec![0; npeers],
                    threads: Vec::new(),
                },
            ),
            tick_cv: Condvar::new(&host),
            apply_cv: Condvar::new(&host),
            peer_cv: (0..npeers).map(|_| Condvar::new(&host)).collect(),
        });
        {
            let mut g = shared.mu.lock();
            let s = Arc::clone(&shared);
            g.threads
                .push(raftlab::spawn(&host, "raft-ticker", move || {
                    s.ticker_loop()
                }));
            let s = Arc::clone(&shared);
            g.threads
                .push(raftlab::spawn(&host, "raft-applier", move || {
                    s.applier_loop()
                }));
            for p in (0..npeers).filter(|&p| p != me) {
                shared.spawn_sender(&mut g, p);
            }
        }
        Ok(RustRaft { shared })
    }

    fn start(&self, command: &[u8]) -> StartResult {
        let s = &self.shared;
        let mut g = s.mu.lock();
        if s.dead() {
            return StartResult::default();
        }
        let (index, term, is_leader) = g.core.propose(command.to_vec(), s.host.now_ns());
        s.after_change(&mut g); // the entry is persisted before any sender ships it
        StartResult {
            index,
            term,
            is_leader,
        }
    }

    fn get_state(&self) -> (i64, bool) {
        let g = self.shared.mu.lock();
        (g.core.term(), g.core.is_leader())
    }

    fn handle_rpc(&self, method: &str, req: &[u8]) -> Result<Vec<u8>, RpcError> {
        // No early return once killed: a handler must answer every request
        // it knows; after_change() then skips the save and the harness drops
        // a dead server's reply.
        let s = &self.shared;
        match method {
            APPEND_ENTRIES => {
                let a = AppendEntriesArgs::decode(req).ok_or(RpcError::Malformed)?;
                let mut g = s.mu.lock();
                let r = g.core.handle_append_entries(&a, s.host.now_ns());
                s.after_change(&mut g);
                Ok(r.encode())
            }
            REQUEST_VOTE => {
                let a = RequestVoteArgs::decode(req).ok_or(RpcError::Malformed)?;
                let mut g = s.mu.lock();
                let r = g.core.handle_request_vote(&a, s.host.now_ns());
                s.after_change(&mut g);
                Ok(r.encode())
            }
            INSTALL_SNAPSHOT => {
                let a = InstallSnapshotArgs::decode(req).ok_or(RpcError::Malformed)?;
                let mut g = s.mu.lock();
                let r = g.core.handle_install_snapshot(&a, s.host.now_ns());
                s.after_change(&mut g);
                Ok(r.encode())
            }
            _ => Err(RpcError::UnknownMethod),
        }
    }

    fn snapshot(&self, index: i64, snapshot: &[u8]) {
        let s = &self.shared;
        let mut g = s.mu.lock();
        if s.dead() {
            return;
        }
        if !g.core.snapshot_to(index, snapshot.to_vec()) {
            let applied = g.core.last_applied();
            s.host.logf(
                Level::Warn,
                format_args!(
                    "snapshot({}) ignored: only {} entries were applied",
                    index, applied
                ),
            );
        }
        s.after_change(&mut g);
    }

    fn persist_bytes(&self) -> i64 {
        self.shared.host.state_size() as i64
    }

    fn kill(&self) {
        let s = &self.shared;
        let threads = {
            let mut g = s.mu.lock();
            s.dead.store(true, Ordering::Release);
            s.tick_cv.notify_all();
            s.apply_cv.notify_all();
            for cv in &s.peer_cv {
                cv.notify_all();
            }
            std::mem::take(&mut g.threads)
        };
        for t in threads {
            t.join();
        }
    }
}

impl Shared {
    fn dead(&self) -> bool {
        self.dead.load(Ordering::Acquire) || self.host.killed()
    }

    /// Starts one more sender for `peer`. Holding the lock (and !dead) is
    /// what lets kill() know the list is complete once it set dead.
    fn spawn_sender(self: &Arc<Self>, g: &mut MutexGuard<'_, Inner>, peer: usize) {
        if self.dead() {
            return;
        }
        let s = Arc::clone(self);
        g.threads
            .push(raftlab::spawn(&self.host, "raft-send", move || {
                s.sender_loop(peer)
            }));
        g.senders[peer] += 1;
    }

    /// After every input to the core, under the lock: PERSIST BEFORE SEND,
    /// then wake the threads with new work, then log role changes.
    fn after_change(&self, g: &mut MutexGuard<'_, Inner>) {
        if g.core.take_persist() && !self.dead() {
            self.host.save(&g.core.encode_state(), g.core.snapshot());
        }
        let w = g.core.take_wakeups();
        if w.peers {
            for cv in &self.peer_cv {
                cv.notify_all();
            }
        }
        if w.applier {
            self.apply_cv.notify_one();
        }
        if w.ticker {
            self.tick_cv.notify_one();
        }
        if g.core.role() != g.logged_role || g.core.term() != g.logged_term {
            g.logged_role = g.core.role();
            g.logged_term = g.core.term();
            self.host.logf(
                Level::Debug,
                format_args!(
                    "peer {}/{}: {:?} in term {} (log up to {}, commit {})",
                    self.me,
                    self.npeers,
                    g.logged_role,
                    g.logged_term,
                    g.core.log().last_index(),
                    g.core.commit_index()
                ),
            );
        }
    }

    fn ticker_loop(&self) {
        let mut g = self.mu.lock();
        while !self.dead() {
            g.core.tick(self.host.now_ns());
            self.after_change(&mut g);
            let at = g.core.next_tick_at();
            g = if at == NEVER {
                self.tick_cv.wait(g)
            } else {
                self.tick_cv.wait_until(g, at).0
            };
        }
    }

    fn applier_loop(&self) {
        let mut g = self.mu.lock();
        while !self.dead() {
            if !g.core.has_apply() {
                g = self.apply_cv.wait(g);
                continue;
            }
            let items: Vec<ApplyItem> = g.core.take_apply(APPLY_BATCH);
            // Never hold the lock across apply: the harness's applier may
            // call snapshot() (which locks it) before apply returns.
            drop(g);
            for item in &items {
                let ok = if item.is_snapshot {
                    self.host.apply_snapshot(item.index, item.term, &item.data)
                } else {
                    self.host.apply_command(item.index, item.term, &item.data)
                };
                if !ok {
                    break; // killed
                }
            }
            g = self.mu.lock();
        }
    }

    fn sender_loop(self: &Arc<Self>, peer: usize) {
        let cv = &self.peer_cv[peer];
        let mut g = self.mu.lock();
        while !self.dead() {
            let (out, wake_at) = g.core.next_message(peer, self.host.now_ns());
            let out = match out {
                Some(out) => out,
                None => {
                    g = if wake_at == NEVER {
                        cv.wait(g)
                    } else {
                        cv.wait_until(g, wake_at).0
                    };
                    continue;
                }
            };
            // Keep one thread of this peer free for whatever falls due while
            // this call is out (it may hang for seconds).
            g.busy[peer] += 1;
            if g.busy[peer] >= g.senders[peer] && g.senders[peer] < MAX_SENDERS_PER_PEER {
                self.spawn_sender(&mut g, peer);
            }
            // The state this message was built from was persisted by the
            // after_change() that followed the input which created it.
            drop(g);
            let reply = self.host.call(peer, out.method(), &out.encode());
            g = self.mu.lock();
            g.busy[peer] -= 1;
            if self.dead() {
                break;
            }
            let now = self.host.now_ns();
            match reply {
                Some(bytes) => self.deliver_reply(&mut g, &out, &bytes, now),
                None => g.core.on_send_failed(&out, now),
            }
            self.after_change(&mut g);
        }
    }

    fn deliver_reply(&self, g: &mut MutexGuard<'_, Inner>, out: &Outgoing, bytes: &[u8], now: i64) {
        let ok = match &out.args {
            Args::Vote(a) => RequestVoteReply::decode(bytes)
                .map(|r| g.core.on_request_vote_reply(out, a, &r, now)),
            Args::Append(a) => AppendEntriesReply::decode(bytes)
                .map(|r| g.core.on_append_entries_reply(out, a, &r, now)),
            Args::Snapshot(a) => InstallSnapshotReply::decode(bytes)
                .map(|r| g.core.on_install_snapshot_reply(out, a, &r, now)),
        };
        if ok.is_none() {
            self.host.logf(
                Level::Error,
                format_args!(
                    "malformed {} reply from peer {} ({} bytes)",
                    out.method(),
                    out.peer,
                    bytes.len()
                ),
            );
            g.core.on_send_failed(out, now);
        }
    }
}

raftlab::export_raft!(RustRaft, "raftlab-rust-example", "1.0");
