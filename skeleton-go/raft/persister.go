package raft

import "6.5840/raftlab"

// Persister is MIT's Persister, backed by the harness (see
// raftlab/persister.go): Save(raftstate, snapshot), ReadRaftState(),
// ReadSnapshot(), RaftStateSize(), SnapshotSize(), and raftlab's addition
// Logf(format, args...), a log line the harness shows with a failure.
type Persister = raftlab.Persister
