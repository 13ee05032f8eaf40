// main.go: the bridge between raftlab's harness and your Raft in package
// raft (raft/raft.go). You do not edit it. It plays the part of MIT's
// tester for one peer: it makes the peer's ClientEnds, its Persister and
// its applyCh, calls raft.Make, forwards every ApplyMsg to the harness,
// and turns the harness's calls into Start, GetState, Snapshot, Kill and
// your RPC handlers (found by reflection on *Raft, as labrpc does).
//
// Commands: the harness's commands are byte strings; an integer command is
// its decimal text ("101"). Start receives it as a Go int (101) when it is
// one, else as a string, so your code compares them as MIT's tests do; an
// applied command goes back the same way (an int as its decimal text, a
// string as its bytes). Keep commands as interface{} values in your log
// and gob-encode them as they are: int and string need no labgob.Register.
//
// Build: go build -buildmode=c-shared -o libraft.so .
package main

import "C"

import (
	"fmt"
	"reflect"
	"strconv"

	"6.5840/labrpc"
	"6.5840/raft"
	"6.5840/raftlab"
)

func main() {} // required by -buildmode=c-shared; never runs

func init() { raftlab.Register(makePeer) }

type peer struct {
	p   *raftlab.Peer
	rf  *raft.Raft
	svc *labrpc.Service
}

func makePeer(p *raftlab.Peer) raftlab.Instance {
	applyCh := make(chan raft.ApplyMsg) // unbuffered, as MIT's tester's
	go forwardApplies(p, applyCh)
	rf := raft.Make(labrpc.MakeEnds(p), p.Me(), raftlab.NewPersister(p), applyCh)
	if rf == nil {
		p.Logf(raftlab.LevelError, "raft.Make returned nil")
		return nil
	}
	return &peer{p: p, rf: rf, svc: labrpc.MakeService(rf)}
}

// forwardApplies hands each ApplyMsg to the harness, which takes it before
// the next one is read (so your send blocks as on MIT's tester's applyCh).
// After kill it keeps reading, and drops what it reads, so that a killed
// peer's goroutine blocked on applyCh is never stuck there.
func forwardApplies(p *raftlab.Peer, applyCh chan raft.ApplyMsg) {
	for m := range applyCh {
		switch {
		case m.CommandValid && m.SnapshotValid:
			p.Logf(raftlab.LevelError, "ApplyMsg with both CommandValid and SnapshotValid set (index %d): "+
				"set exactly one", m.CommandIndex)
		case m.CommandValid:
			p.ApplyCommand(int64(m.CommandIndex), commandBytes(p, m.Command))
		case m.SnapshotValid:
			p.ApplySnapshot(int64(m.SnapshotIndex), int64(m.SnapshotTerm), m.Snapshot)
		default:
			p.Logf(raftlab.LevelWarn, "ApplyMsg with neither CommandValid nor SnapshotValid set: ignored")
		}
	}
}

// commandValue is the Go value of a harness command: an int when the bytes
// are exactly an integer's decimal text, else a string.
func commandValue(b []byte) interface{} {
	s := string(b)
	if v, err := strconv.Atoi(s); err == nil && strconv.Itoa(v) == s {
		return v
	}
	return s
}

// commandBytes is the inverse of commandValue for what your Raft applies.
func commandBytes(p *raftlab.Peer, c interface{}) []byte {
	switch v := c.(type) {
	case int:
		return []byte(strconv.Itoa(v))
	case string:
		return []byte(v)
	case []byte:
		return v
	}
	rv := reflect.ValueOf(c)
	switch {
	case c == nil:
	case rv.CanInt():
		return []byte(strconv.FormatInt(rv.Int(), 10))
	case rv.CanUint():
		return []byte(strconv.FormatUint(rv.Uint(), 10))
	}
	// Not a command the harness gave: the harness will report the mismatch.
	p.Logf(raftlab.LevelError, "applied a command of type %T (%v): the tests' commands are int and string", c, c)
	return []byte(fmt.Sprintf("<%T %v>", c, c))
}

func (x *peer) Start(command []byte) (int64, int64, bool) {
	index, term, isLeader := x.rf.Start(commandValue(command))
	return int64(index), int64(term), isLeader
}

func (x *peer) GetState() (int64, bool) {
	term, isLeader := x.rf.GetState()
	return int64(term), isLeader
}

func (x *peer) HandleRPC(method string, req []byte) ([]byte, int32) {
	reply, code, err := x.svc.Dispatch(method, req)
	if err != nil {
		x.p.Logf(raftlab.LevelError, "%v", err)
	}
	return reply, code
}

func (x *peer) Snapshot(index int64, snapshot []byte) { x.rf.Snapshot(int(index), snapshot) }

func (x *peer) Kill() { x.rf.Kill() }
