//! The log: the entries after a snapshot offset. Indices start at 1 (index 0
//! is the empty prefix, term 0). Entries up to and including
//! `snapshot_index` are folded into the snapshot; only its last index and
//! term remain (Figure 13, lastIncludedIndex / lastIncludedTerm).
//!
//! Invariants: terms never decrease along the log and are >= snapshot_term;
//! snapshot_term == 0 iff snapshot_index == 0.
use std::collections::VecDeque;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub term: i64,
    pub command: Vec<u8>,
}

#[derive(Default)]
pub struct Log {
    snapshot_index: i64,
    snapshot_term: i64,
    entries: VecDeque<Entry>, // entries[k] holds index snapshot_index + 1 + k
}

impl Log {
    pub fn new(snapshot_index: i64, snapshot_term: i64, entries: Vec<Entry>) -> Log {
        Log {
            snapshot_index,
            snapshot_term,
            entries: entries.into(),
        }
    }
    pub fn snapshot_index(&self) -> i64 {
        self.snapshot_index
    }
    pub fn snapshot_term(&self) -> i64 {
        self.snapshot_term
    }
    pub fn last_index(&self) -> i64 {
        self.snapshot_index + self.entries.len() as i64
    }
    pub fn last_term(&self) -> i64 {
        self.entries.back().map_or(self.snapshot_term, |e| e.term)
    }
    pub fn entries(&self) -> &VecDeque<Entry> {
        &self.entries
    }

    /// The term at i for snapshot_index <= i <= last_index, else None.
    pub fn term(&self, i: i64) -> Option<i64> {
        if i == self.snapshot_index {
            return Some(self.snapshot_term);
        }
        if i < self.snapshot_index || i > self.last_index() {
            return None;
        }
        Some(self.entries[(i - self.snapshot_index - 1) as usize].term)
    }

    /// The entry at i; requires snapshot_index < i <= last_index.
    pub fn at(&self, i: i64) -> &Entry {
        assert!(
            i > self.snapshot_index && i <= self.last_index(),
            "log index {} out of range",
            i
        );
        &self.entries[(i - self.snapshot_index - 1) as usize]
    }

    /// Copies from `from` on, at most max_entries and max_bytes of commands
    /// (always at least one entry if any exist).
    pub fn slice(&self, from: i64, max_entries: usize, max_bytes: usize) -> Vec<Entry> {
        let mut out = Vec::new();
        let mut bytes = 0;
        let mut i = from;
        while i <= self.last_index() && out.len() < max_entries {
            let e = self.at(i);
            if !out.is_empty() && bytes + e.command.len() > max_bytes {
                break;
            }
            bytes += e.command.len();
            out.push(e.clone());
            i += 1;
        }
        out
    }

    pub fn append(&mut self, e: Entry) {
        debug_assert!(e.term >= self.last_term());
        self.entries.push_back(e);
    }

    /// Removes every entry at index >= i (i > snapshot_index).
    pub fn truncate_from(&mut self, i: i64) {
        assert!(i > self.snapshot_index);
        if i <= self.last_index() {
            self.entries
                .truncate((i - self.snapshot_index - 1) as usize);
        }
    }

    /// The first index of the run of entries sharing term(i) (fast backup's
    /// XIndex); requires snapshot_index < i <= last_index.
    pub fn first_index_of_term_at(&self, i: i64) -> i64 {
        let t = self.at(i).term;
        let mut j = i;
        while j - 1 > self.snapshot_index && self.at(j - 1).term == t {
            j -= 1;
        }
        j
    }

    /// The last index holding an entry of term t, if any after the snapshot.
    pub fn last_index_of_term(&self, t: i64) -> Option<i64> {
        // Terms never decrease: the entries with term <= t form a prefix.
        let n = self.entries.partition_point(|e| e.term <= t);
        if n == 0 || self.entries[n - 1].term != t {
            return None;
        }
        Some(self.snapshot_index + n as i64)
    }

    /// Drops entries up to and including index (snapshot_index < index <= last_index).
    pub fn compact_to(&mut self, index: i64) {
        let term = self.at(index).term;
        self.entries.drain(..(index - self.snapshot_index) as usize);
        self.snapshot_index = index;
        self.snapshot_term = term;
    }

    /// Drops every entry; the log now starts after (index, term).
    pub fn reset_to_snapshot(&mut self, index: i64, term: i64) {
        self.entries.clear();
        self.snapshot_index = index;
        self.snapshot_term = term;
    }
}
