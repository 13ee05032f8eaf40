//! RPC arguments and replies, and their encoding. Add the fields you need,
//! and encode every field you add in the same order in encode and decode.
use raftlab::{Decoder, Encoder};

pub struct RequestVoteArgs {
    pub term: i64,
    pub candidate: i32,
    // TODO(part1): the candidate's last log index and term (section 5.4.1).
}

pub struct RequestVoteReply {
    pub term: i64,
    pub vote_granted: bool,
}

pub struct AppendEntriesArgs {
    pub term: i64,
    pub leader: i32,
    // TODO(part2): prev_log_index, prev_log_term, entries, leader_commit.
}

pub struct AppendEntriesReply {
    pub term: i64,
    pub success: bool,
    // TODO(part2): hints that let the leader back up faster than one entry
    // per round trip (3B-backup needs it), e.g. the conflicting term, the
    // first index of that term, and the length of your log.
}

// TODO(part4): InstallSnapshotArgs / InstallSnapshotReply (Figure 13, but
// send the whole snapshot in one RPC: no offset, no done flag).

impl RequestVoteArgs {
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.put_i64(self.term);
        e.put_i32(self.candidate);
        // TODO(part1): the fields you added.
        e.finish()
    }
    /// None on malformed input.
    pub fn decode(b: &[u8]) -> Option<RequestVoteArgs> {
        let mut d = Decoder::new(b);
        let a = RequestVoteArgs {
            term: d.get_i64(),
            candidate: d.get_i32(),
        };
        if d.finish() {
            Some(a)
        } else {
            None
        }
    }
}

impl RequestVoteReply {
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.put_i64(self.term);
        e.put_bool(self.vote_granted);
        e.finish()
    }
    pub fn decode(b: &[u8]) -> Option<RequestVoteReply> {
        let mut d = Decoder::new(b);
        let r = RequestVoteReply {
            term: d.get_i64(),
            vote_granted: d.get_bool(),
        };
        if d.finish() {
            Some(r)
        } else {
            None
        }
    }
}

impl AppendEntriesArgs {
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.put_i64(self.term);
        e.put_i32(self.leader);
        // TODO(part2): entries as a count (put_varint) followed by each
        // entry's term and put_bytes(command).
        e.finish()
    }
    pub fn decode(b: &[u8]) -> Option<AppendEntriesArgs> {
        let mut d = Decoder::new(b);
        let a = AppendEntriesArgs {
            term: d.get_i64(),
            leader: d.get_i32(),
        };
        if d.finish() {
            Some(a)
        } else {
            None
        }
    }
}

impl AppendEntriesReply {
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.put_i64(self.term);
        e.put_bool(self.success);
        e.finish()
    }
    pub fn decode(b: &[u8]) -> Option<AppendEntriesReply> {
        let mut d = Decoder::new(b);
        let r = AppendEntriesReply {
            term: d.get_i64(),
            success: d.get_bool(),
        };
        if d.finish() {
            Some(r)
        } else {
            None
        }
    }
}
