package raftlab

/*
#include "glue.h"
*/
import "C"

// Persister is a peer's "disk", MIT's Persister over the harness's: Save
// replaces the Raft state and the snapshot together, atomically; the reads
// return copies. The harness keeps it across a crash and gives the restarted
// peer a Persister over the same saved bytes.
// Safe for concurrent use. After the peer is killed, Save is dropped and
// the reads return nothing (the harness has already swapped in a copy for
// the next incarnation, as MIT's tester does).
type Persister struct {
	p *Peer
}

// NewPersister is for this layer only (main.go); your Raft receives its
// Persister from Make.
func NewPersister(p *Peer) *Persister { return &Persister{p: p} }

// Save atomically replaces the saved Raft state and snapshot. A nil
// snapshot saves an EMPTY snapshot: once you have one, pass it every time.
func (ps *Persister) Save(raftstate []byte, snapshot []byte) {
	if !ps.p.enter() {
		return
	}
	defer ps.p.leave()
	C.rl_host_save(ps.p.host, bytesPtr(raftstate), C.size_t(len(raftstate)), bytesPtr(snapshot),
		C.size_t(len(snapshot)))
}

// ReadRaftState returns a copy of the saved Raft state (empty if none).
func (ps *Persister) ReadRaftState() []byte {
	if !ps.p.enter() {
		return nil
	}
	defer ps.p.leave()
	b := C.rl_buf_new()
	C.rl_host_read_state(ps.p.host, b)
	return takeBuf(b)
}

// ReadSnapshot returns a copy of the saved snapshot (empty if none).
func (ps *Persister) ReadSnapshot() []byte {
	if !ps.p.enter() {
		return nil
	}
	defer ps.p.leave()
	b := C.rl_buf_new()
	C.rl_host_read_snapshot(ps.p.host, b)
	return takeBuf(b)
}

// RaftStateSize is the size in bytes of the saved Raft state.
func (ps *Persister) RaftStateSize() int {
	if !ps.p.enter() {
		return 0
	}
	defer ps.p.leave()
	return int(C.rl_host_state_size(ps.p.host))
}

// SnapshotSize is the size in bytes of the saved snapshot.
func (ps *Persister) SnapshotSize() int {
	if !ps.p.enter() {
		return 0
	}
	defer ps.p.leave()
	return int(C.rl_host_snapshot_size(ps.p.host))
}

// Logf records a line in the harness's log of this peer (not in MIT's
// Persister: raftlab's addition, so that your log lines are stamped with
// time and peer and shown with a failure).
func (ps *Persister) Logf(format string, args ...interface{}) {
	ps.p.Logf(LevelDebug, format, args...)
}
