package raft

// A complete Raft (parts 1-4) on raftlab's Go layer: raftlab's own proof
// that a Raft written against MIT's API shape passes the catalogue. Kept
// under tests/ (never in the handout); built by copying skeleton-go/ and
// putting this file in place of raft/raft.go (tests/languages/CMakeLists.txt).
//
// Design: one mutex per peer; an election ticker; a heartbeat goroutine per
// leadership; a goroutine per outgoing RPC (so a lost message, which may
// take seconds to report, never holds up another peer); one applier
// goroutine that alone writes to applyCh, without holding the lock.
// Log indices: log[0] is a sentinel standing for the last entry the
// snapshot covers (index base, its term); log[k] has index base+k.

import (
	"bytes"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"6.5840/labgob"
	"6.5840/labrpc"
)

type ApplyMsg struct {
	CommandValid bool
	Command      interface{}
	CommandIndex int

	SnapshotValid bool
	Snapshot      []byte
	SnapshotTerm  int
	SnapshotIndex int
}

type Entry struct {
	Term    int
	Command interface{}
}

const (
	follower = iota
	candidate
	leader
)

const (
	heartbeatInterval = 100 * time.Millisecond // at most 10 per second
	electionMin       = 300 * time.Millisecond
	electionSpread    = 300 // ms: timeouts in 300-600 ms
	tickInterval      = 10 * time.Millisecond
)

type Raft struct {
	mu        sync.Mutex
	peers     []*labrpc.ClientEnd
	persister *Persister
	me        int
	dead      int32

	applyCh   chan ApplyMsg
	applyCond *sync.Cond // the applier waits on it (commitIndex or a snapshot to deliver)
	rng       *rand.Rand

	// Persistent (Figure 2), saved by persist() before any reply or send
	// that depends on them.
	currentTerm int
	votedFor    int     // -1: none in currentTerm
	log         []Entry // log[0]: the snapshot's last entry (index base), no command
	base        int     // index of log[0] (lastIncludedIndex)
	snapshot    []byte  // the service's snapshot covering 1..base

	// Volatile.
	role        int
	commitIndex int
	lastApplied int
	lastHeard   time.Time     // last valid leader contact or vote granted
	timeout     time.Duration // the current election timeout
	snapPending bool          // the applier must deliver the snapshot (installed from a leader)

	// Leaders only (reinitialised on election).
	nextIndex  []int
	matchIndex []int
}

func (rf *Raft) lastIndex() int   { return rf.base + len(rf.log) - 1 }
func (rf *Raft) termAt(i int) int { return rf.log[i-rf.base].Term }
func (rf *Raft) lastTerm() int    { return rf.log[len(rf.log)-1].Term }
func (rf *Raft) majority() int    { return len(rf.peers)/2 + 1 }
func (rf *Raft) resetElectionTimer() {
	rf.lastHeard = time.Now()
	rf.timeout = electionMin + time.Duration(rf.rng.Intn(electionSpread))*time.Millisecond
}

func (rf *Raft) GetState() (int, bool) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	return rf.currentTerm, rf.role == leader
}

func (rf *Raft) encodeState() []byte {
	w := new(bytes.Buffer)
	e := labgob.NewEncoder(w)
	e.Encode(rf.currentTerm)
	e.Encode(rf.votedFor)
	e.Encode(rf.base)
	e.Encode(rf.log)
	return w.Bytes()
}

// persist saves the persistent state and the snapshot. Caller holds mu.
func (rf *Raft) persist() {
	rf.persister.Save(rf.encodeState(), rf.snapshot)
}

func (rf *Raft) readPersist(data []byte) {
	if len(data) < 1 {
		return
	}
	d := labgob.NewDecoder(bytes.NewBuffer(data))
	var term, votedFor, base int
	var log []Entry
	if d.Decode(&term) != nil || d.Decode(&votedFor) != nil || d.Decode(&base) != nil || d.Decode(&log) != nil ||
		len(log) == 0 {
		panic("raft: cannot decode the persisted state")
	}
	rf.currentTerm, rf.votedFor, rf.base, rf.log = term, votedFor, base, log
	// The service restores its own snapshot at restart: nothing up to base
	// is delivered again.
	rf.commitIndex, rf.lastApplied = base, base
}

// Snapshot: the service's snapshot covers 1..index.
func (rf *Raft) Snapshot(index int, snapshot []byte) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if index <= rf.base || index > rf.lastIndex() {
		return
	}
	rf.log = append([]Entry{{Term: rf.termAt(index)}}, rf.log[index-rf.base+1:]...)
	rf.base = index
	rf.snapshot = snapshot
	rf.persist()
}

// --- RequestVote -------------------------------------------------------------

type RequestVoteArgs struct {
	Term         int
	CandidateId  int
	LastLogIndex int
	LastLogTerm  int
}

type RequestVoteReply struct {
	Term        int
	VoteGranted bool
}

// stepDown adopts a newer term (Figure 2, "All servers"). Caller holds mu
// and persists.
func (rf *Raft) stepDown(term int) {
	rf.currentTerm = term
	rf.votedFor = -1
	rf.role = follower
}

func (rf *Raft) RequestVote(args *RequestVoteArgs, reply *RequestVoteReply) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	changed := false
	if args.Term > rf.currentTerm {
		rf.stepDown(args.Term)
		changed = true
	}
	reply.Term = rf.currentTerm
	// Section 5.4.1: grant only to a candidate whose log is at least as up to date.
	upToDate := args.LastLogTerm > rf.lastTerm() ||
		(args.LastLogTerm == rf.lastTerm() && args.LastLogIndex >= rf.lastIndex())
	if args.Term == rf.currentTerm && (rf.votedFor == -1 || rf.votedFor == args.CandidateId) && upToDate {
		rf.votedFor = args.CandidateId
		reply.VoteGranted = true
		rf.resetElectionTimer()
		changed = true
	}
	if changed {
		rf.persist() // before the reply leaves
	}
}

func (rf *Raft) startElection() {
	rf.currentTerm++
	rf.role = candidate
	rf.votedFor = rf.me
	rf.resetElectionTimer()
	rf.persist()
	args := RequestVoteArgs{Term: rf.currentTerm, CandidateId: rf.me, LastLogIndex: rf.lastIndex(),
		LastLogTerm: rf.lastTerm()}
	votes := 1
	for i := range rf.peers {
		if i == rf.me {
			continue
		}
		go func(i int) {
			var reply RequestVoteReply
			if !rf.peers[i].Call("Raft.RequestVote", &args, &reply) {
				return
			}
			rf.mu.Lock()
			defer rf.mu.Unlock()
			if reply.Term > rf.currentTerm {
				rf.stepDown(reply.Term)
				rf.persist()
				return
			}
			if rf.role != candidate || rf.currentTerm != args.Term || !reply.VoteGranted {
				return
			}
			votes++
			if votes >= rf.majority() {
				rf.becomeLeader()
			}
		}(i)
	}
}

func (rf *Raft) becomeLeader() {
	rf.role = leader
	for i := range rf.peers {
		rf.nextIndex[i] = rf.lastIndex() + 1 // Figure 2: not the old values
		rf.matchIndex[i] = 0
	}
	rf.matchIndex[rf.me] = rf.lastIndex()
	go rf.heartbeats(rf.currentTerm)
}

func (rf *Raft) heartbeats(term int) {
	for !rf.killed() {
		rf.mu.Lock()
		if rf.role != leader || rf.currentTerm != term {
			rf.mu.Unlock()
			return
		}
		// A leader's own election timer runs from its last heartbeat: deposed
		// (a reply with a newer term), it waits a full timeout before standing,
		// instead of disrupting the new leader at once.
		rf.resetElectionTimer()
		rf.broadcast()
		rf.mu.Unlock()
		time.Sleep(heartbeatInterval)
	}
}

// --- AppendEntries and InstallSnapshot ---------------------------------------

type AppendEntriesArgs struct {
	Term         int
	LeaderId     int
	PrevLogIndex int
	PrevLogTerm  int
	Entries      []Entry
	LeaderCommit int
}

type AppendEntriesReply struct {
	Term    int
	Success bool
	// On a mismatch, for backing up a term at a time: the conflicting
	// entry's term and its first index, or XTerm -1 and the log's length.
	XTerm  int
	XIndex int
	XLen   int
}

func (rf *Raft) AppendEntries(args *AppendEntriesArgs, reply *AppendEntriesReply) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	changed := false
	defer func() {
		if changed {
			rf.persist()
		}
	}()
	if args.Term > rf.currentTerm {
		rf.stepDown(args.Term)
		changed = true
	}
	reply.Term = rf.currentTerm
	if args.Term < rf.currentTerm {
		return
	}
	rf.role = follower
	rf.resetElectionTimer()

	prev, entries := args.PrevLogIndex, args.Entries
	if prev < rf.base { // the start is inside our snapshot: skip what it covers
		skip := rf.base - prev
		if skip >= len(entries) {
			reply.Success = true
			return
		}
		entries = entries[skip:]
		prev = rf.base
	} else if prev > rf.lastIndex() {
		reply.XTerm, reply.XLen = -1, rf.lastIndex()+1
		return
	} else if rf.termAt(prev) != args.PrevLogTerm {
		reply.XTerm = rf.termAt(prev)
		first := prev
		for first-1 > rf.base && rf.termAt(first-1) == reply.XTerm {
			first--
		}
		reply.XIndex = first
		return
	}
	// Figure 2, AppendEntries rules 3 and 4: truncate only at a conflict, so
	// that a late, shorter request never drops entries.
	for k, e := range entries {
		idx := prev + 1 + k
		if idx <= rf.lastIndex() && rf.termAt(idx) == e.Term {
			continue
		}
		rf.log = append(rf.log[:idx-rf.base], entries[k:]...)
		changed = true
		break
	}
	reply.Success = true
	if last := prev + len(entries); args.LeaderCommit > rf.commitIndex && last > rf.commitIndex {
		rf.commitIndex = min(args.LeaderCommit, last)
		rf.applyCond.Broadcast()
	}
}

type InstallSnapshotArgs struct {
	Term              int
	LeaderId          int
	LastIncludedIndex int
	LastIncludedTerm  int
	Data              []byte
}

type InstallSnapshotReply struct {
	Term int
}

func (rf *Raft) InstallSnapshot(args *InstallSnapshotArgs, reply *InstallSnapshotReply) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if args.Term > rf.currentTerm {
		rf.stepDown(args.Term)
		rf.persist()
	}
	reply.Term = rf.currentTerm
	if args.Term < rf.currentTerm {
		return
	}
	rf.role = follower
	rf.resetElectionTimer()
	if args.LastIncludedIndex <= rf.commitIndex {
		return // older than what we have: never move the service backwards
	}
	if args.LastIncludedIndex < rf.lastIndex() && rf.termAt(args.LastIncludedIndex) == args.LastIncludedTerm {
		rf.log = append([]Entry{{Term: args.LastIncludedTerm}}, rf.log[args.LastIncludedIndex-rf.base+1:]...)
	} else {
		rf.log = []Entry{{Term: args.LastIncludedTerm}}
	}
	rf.base = args.LastIncludedIndex
	rf.snapshot = args.Data
	rf.commitIndex = args.LastIncludedIndex
	rf.snapPending = true
	rf.persist()
	rf.applyCond.Broadcast()
}

// broadcast sends each follower what it lacks (an empty AppendEntries is a
// heartbeat). Caller holds mu.
func (rf *Raft) broadcast() {
	for i := range rf.peers {
		if i != rf.me {
			rf.sendTo(i)
		}
	}
}

// sendTo sends follower i one AppendEntries (or InstallSnapshot when its
// next entry is inside the snapshot), on a goroutine. Caller holds mu.
func (rf *Raft) sendTo(i int) {
	if rf.nextIndex[i] <= rf.base {
		args := InstallSnapshotArgs{Term: rf.currentTerm, LeaderId: rf.me, LastIncludedIndex: rf.base,
			LastIncludedTerm: rf.log[0].Term, Data: rf.snapshot}
		go rf.installOn(i, &args)
		return
	}
	next := min(rf.nextIndex[i], rf.lastIndex()+1)
	args := AppendEntriesArgs{Term: rf.currentTerm, LeaderId: rf.me, PrevLogIndex: next - 1,
		PrevLogTerm: rf.termAt(next - 1), LeaderCommit: rf.commitIndex}
	args.Entries = append([]Entry(nil), rf.log[next-rf.base:]...)
	go rf.appendOn(i, &args)
}

func (rf *Raft) appendOn(i int, args *AppendEntriesArgs) {
	var reply AppendEntriesReply
	if !rf.peers[i].Call("Raft.AppendEntries", args, &reply) {
		return
	}
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if reply.Term > rf.currentTerm {
		rf.stepDown(reply.Term)
		rf.persist()
		return
	}
	if rf.role != leader || rf.currentTerm != args.Term {
		return
	}
	if reply.Success {
		match := args.PrevLogIndex + len(args.Entries)
		if match > rf.matchIndex[i] {
			rf.matchIndex[i] = match
		}
		if match+1 > rf.nextIndex[i] {
			rf.nextIndex[i] = match + 1
		}
		rf.advanceCommit()
		return
	}
	// Back up a term at a time.
	next := reply.XLen
	if reply.XTerm != -1 {
		next = reply.XIndex
		for k := args.PrevLogIndex; k > rf.base; k-- {
			if rf.termAt(k) == reply.XTerm {
				next = k + 1
				break
			}
			if rf.termAt(k) < reply.XTerm {
				break
			}
		}
	}
	if next < rf.matchIndex[i]+1 {
		next = rf.matchIndex[i] + 1
	}
	if next < 1 {
		next = 1
	}
	if next < rf.nextIndex[i] {
		rf.nextIndex[i] = next
		rf.sendTo(i) // at once: the backup test wants it quick
	}
}

func (rf *Raft) installOn(i int, args *InstallSnapshotArgs) {
	var reply InstallSnapshotReply
	if !rf.peers[i].Call("Raft.InstallSnapshot", args, &reply) {
		return
	}
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if reply.Term > rf.currentTerm {
		rf.stepDown(reply.Term)
		rf.persist()
		return
	}
	if rf.role != leader || rf.currentTerm != args.Term {
		return
	}
	if args.LastIncludedIndex > rf.matchIndex[i] {
		rf.matchIndex[i] = args.LastIncludedIndex
	}
	if args.LastIncludedIndex+1 > rf.nextIndex[i] {
		rf.nextIndex[i] = args.LastIncludedIndex + 1
	}
	rf.advanceCommit()
}

// advanceCommit commits the highest index of the current term that a
// majority holds (section 5.4.2: never count replicas of older terms).
// Caller holds mu.
func (rf *Raft) advanceCommit() {
	for n := rf.lastIndex(); n > rf.commitIndex && n > rf.base; n-- {
		if rf.termAt(n) != rf.currentTerm {
			break
		}
		count := 0
		for i := range rf.peers {
			if rf.matchIndex[i] >= n {
				count++
			}
		}
		if count >= rf.majority() {
			rf.commitIndex = n
			rf.applyCond.Broadcast()
			return
		}
	}
}

// --- the service's side ------------------------------------------------------

func (rf *Raft) Start(command interface{}) (int, int, bool) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.role != leader || rf.killed() {
		return -1, rf.currentTerm, false
	}
	rf.log = append(rf.log, Entry{Term: rf.currentTerm, Command: command})
	rf.persist()
	rf.matchIndex[rf.me] = rf.lastIndex()
	rf.broadcast() // now, not at the next heartbeat
	return rf.lastIndex(), rf.currentTerm, true
}

// applier is the only writer to applyCh; it never holds mu while sending.
func (rf *Raft) applier() {
	for {
		rf.mu.Lock()
		for !rf.killed() && !rf.snapPending && rf.lastApplied >= rf.commitIndex {
			rf.applyCond.Wait()
		}
		if rf.killed() {
			rf.mu.Unlock()
			return
		}
		if rf.snapPending {
			rf.snapPending = false
			msg := ApplyMsg{SnapshotValid: true, Snapshot: rf.snapshot, SnapshotTerm: rf.log[0].Term,
				SnapshotIndex: rf.base}
			rf.lastApplied = rf.base
			rf.mu.Unlock()
			rf.applyCh <- msg
			continue
		}
		from := rf.lastApplied + 1
		if from <= rf.base { // covered by a snapshot the applier delivers
			rf.lastApplied = rf.base
			rf.mu.Unlock()
			continue
		}
		entries := append([]Entry(nil), rf.log[from-rf.base:rf.commitIndex-rf.base+1]...)
		rf.lastApplied = rf.commitIndex
		rf.mu.Unlock()
		for k, e := range entries {
			rf.applyCh <- ApplyMsg{CommandValid: true, Command: e.Command, CommandIndex: from + k}
		}
	}
}

func (rf *Raft) Kill() {
	atomic.StoreInt32(&rf.dead, 1)
	rf.mu.Lock()
	rf.applyCond.Broadcast()
	rf.mu.Unlock()
}

func (rf *Raft) killed() bool {
	return atomic.LoadInt32(&rf.dead) == 1
}

func (rf *Raft) ticker() {
	for !rf.killed() {
		rf.mu.Lock()
		if rf.role != leader && time.Since(rf.lastHeard) >= rf.timeout {
			rf.startElection()
		}
		rf.mu.Unlock()
		time.Sleep(tickInterval)
	}
}

func Make(peers []*labrpc.ClientEnd, me int,
	persister *Persister, applyCh chan ApplyMsg) *Raft {
	rf := &Raft{
		peers:      peers,
		persister:  persister,
		me:         me,
		applyCh:    applyCh,
		rng:        rand.New(rand.NewSource(time.Now().UnixNano() + int64(me)*7919)),
		votedFor:   -1,
		log:        []Entry{{Term: 0}},
		nextIndex:  make([]int, len(peers)),
		matchIndex: make([]int, len(peers)),
	}
	rf.applyCond = sync.NewCond(&rf.mu)
	rf.readPersist(persister.ReadRaftState())
	rf.snapshot = persister.ReadSnapshot()
	rf.resetElectionTimer()
	go rf.ticker()
	go rf.applier()
	return rf
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}
