package raft

// Your Raft, in the shape of MIT 6.5840's raft.go (see README.md for the
// few differences). The harness calls:
//
//	rf := Make(peers, me, persister, applyCh)   // a new peer (or a restart)
//	rf.Start(command) (index, term, isLeader)   // propose a command
//	rf.GetState() (term, isLeader)               // polled often
//	rf.Snapshot(index, snapshot)                 // part 4
//	rf.Kill()                                    // the peer crashed
//
// and your RPC handlers (exported methods of *Raft with two arguments, the
// second a pointer, and no results), when a peer calls
// peers[i].Call("Raft.RequestVote", &args, &reply).
//
// Each committed entry goes to the service as an ApplyMsg on applyCh, in
// index order, exactly once.
//
// Rule: every peer of a test lives in ONE process and ONE Go runtime.
// Package-level variables are shared by all peers and survive a crash:
// keep everything a peer knows in its Raft struct.

import (
	//	"bytes"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	//	"6.5840/labgob"
	"6.5840/labrpc"
)

// ApplyMsg is what your Raft sends on applyCh: a committed command
// (CommandValid) or, in part 4, a snapshot received from the leader
// (SnapshotValid). Set exactly one of the two.
type ApplyMsg struct {
	CommandValid bool
	Command      interface{}
	CommandIndex int

	// TODO(part4): used when a follower installs the leader's snapshot.
	SnapshotValid bool
	Snapshot      []byte
	SnapshotTerm  int
	SnapshotIndex int
}

// Raft is one peer.
type Raft struct {
	mu        sync.Mutex          // guards the state below
	peers     []*labrpc.ClientEnd // peers[i] reaches peer i; peers[me] is this peer
	persister *Persister          // this peer's "disk"
	me        int                 // this peer's index into peers
	dead      int32               // set by Kill()

	// TODO(part1): the state of Figure 2 (currentTerm, votedFor, log[], ...)
	// and what elections need (role, last time a leader or candidate was
	// heard from).
}

// GetState returns the current term and whether this peer believes it is
// the leader. Must not block for long: the tests poll it constantly.
func (rf *Raft) GetState() (int, bool) {
	var term int
	var isleader bool
	// TODO(part1): read them under rf.mu.
	return term, isleader
}

// persist saves the state Figure 2 calls persistent (and, from part 4, the
// snapshot) with rf.persister.Save. Call it before replying to an RPC or
// sending one whose content depends on a change of that state.
func (rf *Raft) persist() {
	// TODO(part3): encode currentTerm, votedFor and log with labgob, e.g.
	// w := new(bytes.Buffer)
	// e := labgob.NewEncoder(w)
	// e.Encode(rf.currentTerm)
	// ...
	// rf.persister.Save(w.Bytes(), nil)
}

// readPersist restores what persist saved (data is empty on a first start).
func (rf *Raft) readPersist(data []byte) {
	if len(data) < 1 {
		return
	}
	// TODO(part3): decode in the same order as persist.
}

// Snapshot: the service has a snapshot holding every entry up to and
// including index. Drop those entries and persist the snapshot together
// with the Raft state. The harness may call it while your code is sending
// on applyCh (never hold rf.mu while sending there).
func (rf *Raft) Snapshot(index int, snapshot []byte) {
	// TODO(part4)
}

// RequestVoteArgs and RequestVoteReply are the RequestVote RPC's messages.
// Field names must start with a capital letter (labgob warns otherwise).
type RequestVoteArgs struct {
	// TODO(part1): Figure 2's arguments.
}

type RequestVoteReply struct {
	// TODO(part1): Figure 2's results.
}

// RequestVote is the RPC handler (Figure 2, "RequestVote RPC", receiver).
func (rf *Raft) RequestVote(args *RequestVoteArgs, reply *RequestVoteReply) {
	// TODO(part1)
}

// sendRequestVote sends a RequestVote to peer `server` and waits. Call
// returns false when the request or the reply was lost or the peer is
// unreachable, and may take a while to do so: call it from a goroutine of
// its own, never while holding rf.mu, and never add a timeout around it.
func (rf *Raft) sendRequestVote(server int, args *RequestVoteArgs, reply *RequestVoteReply) bool {
	ok := rf.peers[server].Call("Raft.RequestVote", args, reply)
	return ok
}

// Start proposes a command. If this peer is not the leader it returns
// false. Otherwise it appends the command to its log and returns at once
// (never wait for agreement) with the index the command will have if it is
// ever committed, the current term, and true.
func (rf *Raft) Start(command interface{}) (int, int, bool) {
	index := -1
	term := -1
	isLeader := false

	// TODO(part2)

	return index, term, isLeader
}

// Kill is called when the harness crashes this peer. Your long-running
// goroutines should notice (rf.killed()) and return. After Kill, Call
// returns false, Save does nothing and applyCh messages are dropped.
func (rf *Raft) Kill() {
	atomic.StoreInt32(&rf.dead, 1)
	// Your code here, if any.
}

func (rf *Raft) killed() bool {
	z := atomic.LoadInt32(&rf.dead)
	return z == 1
}

func (rf *Raft) ticker() {
	for !rf.killed() {
		// TODO(part1): start an election if this peer has heard from no
		// leader or candidate for an election timeout (randomised, e.g.
		// 300-600 ms; heartbeats at most 10 per second).

		// Wait a random while, 50-350 ms.
		ms := 50 + (rand.Int63() % 300)
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
}

// Make creates peer `me`. peers[i] reaches peer i (peers[me] too). persister
// holds what this peer saved before a crash (empty at first). Send every
// committed entry on applyCh. Make must return quickly: start goroutines
// for the long-running work.
func Make(peers []*labrpc.ClientEnd, me int,
	persister *Persister, applyCh chan ApplyMsg) *Raft {
	rf := &Raft{}
	rf.peers = peers
	rf.persister = persister
	rf.me = me

	// TODO(part1, part2, part3): initialise your state.

	// restore what was saved before a crash
	rf.readPersist(persister.ReadRaftState())

	go rf.ticker()

	return rf
}
