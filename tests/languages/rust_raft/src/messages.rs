//! RPC messages and the persisted state, with their encodings
//! (raftlab::Encoder / Decoder).
use std::collections::VecDeque;
use std::sync::Arc;

use raftlab::{Decoder, Encoder};

use crate::log::Entry;

pub const REQUEST_VOTE: &str = "Raft.RequestVote";
pub const APPEND_ENTRIES: &str = "Raft.AppendEntries";
pub const INSTALL_SNAPSHOT: &str = "Raft.InstallSnapshot";

/// votedFor when the peer voted for nobody in the current term.
pub const NONE: i32 = -1;

#[derive(Clone, Debug)]
pub struct RequestVoteArgs {
    pub term: i64,
    pub candidate: i32,
    pub last_log_index: i64,
    pub last_log_term: i64,
}

#[derive(Clone, Debug, Default)]
pub struct RequestVoteReply {
    pub term: i64,
    pub vote_granted: bool,
}

#[derive(Clone, Debug)]
pub struct AppendEntriesArgs {
    pub term: i64,
    pub leader: i32,
    pub prev_log_index: i64,
    pub prev_log_term: i64,
    pub entries: Vec<Entry>,
    pub leader_commit: i64,
}

/// On failure, the fast-backup hints: x_term is the follower's term at
/// prev_log_index (0 when its log is too short), x_index the first index of
/// that term, x_len its last index + 1.
#[derive(Clone, Debug, Default)]
pub struct AppendEntriesReply {
    pub term: i64,
    pub success: bool,
    pub x_term: i64,
    pub x_index: i64,
    pub x_len: i64,
}

#[derive(Clone, Debug)]
pub struct InstallSnapshotArgs {
    pub term: i64,
    pub leader: i32,
    pub last_included_index: i64,
    pub last_included_term: i64,
    pub data: Arc<Vec<u8>>,
}

#[derive(Clone, Debug, Default)]
pub struct InstallSnapshotReply {
    pub term: i64,
}

fn done<T>(d: &Decoder<'_>, v: T) -> Option<T> {
    if d.finish() {
        Some(v)
    } else {
        None
    }
}

fn put_entries<'a, I>(e: &mut Encoder, entries: I)
where
    I: IntoIterator<Item = &'a Entry>,
    I::IntoIter: ExactSizeIterator,
{
    let entries = entries.into_iter();
    e.put_varint(entries.len() as u64);
    for x in entries {
        e.put_i64(x.term);
        e.put_bytes(&x.command);
    }
}

fn get_entries(d: &mut Decoder<'_>) -> Vec<Entry> {
    let n = d.get_varint();
    let mut out = Vec::new();
    for _ in 0..n {
        if d.failed() {
            break;
        }
        let term = d.get_i64();
        out.push(Entry {
            term,
            command: d.get_bytes().to_vec(),
        });
    }
    out
}

impl RequestVoteArgs {
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.put_i64(self.term);
        e.put_i32(self.candidate);
        e.put_i64(self.last_log_index);
        e.put_i64(self.last_log_term);
        e.finish()
    }
    pub fn decode(b: &[u8]) -> Option<Self> {
        let mut d = Decoder::new(b);
        let v = RequestVoteArgs {
            term: d.get_i64(),
            candidate: d.get_i32(),
            last_log_index: d.get_i64(),
            last_log_term: d.get_i64(),
        };
        done(&d, v)
    }
}

impl RequestVoteReply {
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.put_i64(self.term);
        e.put_bool(self.vote_granted);
        e.finish()
    }
    pub fn decode(b: &[u8]) -> Option<Self> {
        let mut d = Decoder::new(b);
        let v = RequestVoteReply {
            term: d.get_i64(),
            vote_granted: d.get_bool(),
        };
        done(&d, v)
    }
}

impl AppendEntriesArgs {
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.put_i64(self.term);
        e.put_i32(self.leader);
        e.put_i64(self.prev_log_index);
        e.put_i64(self.prev_log_term);
        put_entries(&mut e, &self.entries);
        e.put_i64(self.leader_commit);
        e.finish()
    }
    pub fn decode(b: &[u8]) -> Option<Self> {
        let mut d = Decoder::new(b);
        let term = d.get_i64();
        let leader = d.get_i32();
        let prev_log_index = d.get_i64();
        let prev_log_term = d.get_i64();
        let entries = get_entries(&mut d);
        let leader_commit = d.get_i64();
        done(
            &d,
            AppendEntriesArgs {
                term,
                leader,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            },
        )
    }
}

impl AppendEntriesReply {
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.put_i64(self.term);
        e.put_bool(self.success);
        e.put_i64(self.x_term);
        e.put_i64(self.x_index);
        e.put_i64(self.x_len);
        e.finish()
    }
    pub fn decode(b: &[u8]) -> Option<Self> {
        let mut d = Decoder::new(b);
        let v = AppendEntriesReply {
            term: d.get_i64(),
            success: d.get_bool(),
            x_term: d.get_i64(),
            x_index: d.get_i64(),
            x_len: d.get_i64(),
        };
        done(&d, v)
    }
}

impl InstallSnapshotArgs {
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.put_i64(self.term);
        e.put_i32(self.leader);
        e.put_i64(self.last_included_index);
        e.put_i64(self.last_included_term);
        e.put_bytes(&self.data);
        e.finish()
    }
    pub fn decode(b: &[u8]) -> Option<Self> {
        let mut d = Decoder::new(b);
        let term = d.get_i64();
        let leader = d.get_i32();
        let last_included_index = d.get_i64();
        let last_included_term = d.get_i64();
        let data = Arc::new(d.get_bytes().to_vec());
        done(
            &d,
            InstallSnapshotArgs {
                term,
                leader,
                last_included_index,
                last_included_term,
                data,
            },
        )
    }
}

impl InstallSnapshotReply {
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.put_i64(self.term);
        e.finish()
    }
    pub fn decode(b: &[u8]) -> Option<Self> {
        let mut d = Decoder::new(b);
        let v = InstallSnapshotReply { term: d.get_i64() };
        done(&d, v)
    }
}

/// What a peer saves: Figure 2's persistent state plus the snapshot's
/// boundary (the snapshot bytes are saved beside it).
#[derive(Default)]
pub struct PersistentState {
    pub term: i64,
    pub voted_for: i32,
    pub snapshot_index: i64,
    pub snapshot_term: i64,
    pub entries: Vec<Entry>,
}

pub fn encode_state(
    term: i64,
    voted_for: i32,
    snapshot_index: i64,
    snapshot_term: i64,
    entries: &VecDeque<Entry>,
) -> Vec<u8> {
    let mut e = Encoder::new();
    e.put_i64(term);
    e.put_i32(voted_for);
    e.put_i64(snapshot_index);
    e.put_i64(snapshot_term);
    put_entries(&mut e, entries);
    e.finish()
}

pub fn decode_state(b: &[u8]) -> Option<PersistentState> {
    let mut d = Decoder::new(b);
    let term = d.get_i64();
    let voted_for = d.get_i32();
    let snapshot_index = d.get_i64();
    let snapshot_term = d.get_i64();
    let entries = get_entries(&mut d);
    done(
        &d,
        PersistentState {
            term,
            voted_for,
            snapshot_index,
            snapshot_term,
            entries,
        },
    )
}
