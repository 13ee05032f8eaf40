package labrpc

import (
	"bytes"
	"strings"
	"testing"

	"6.5840/labgob"
	"6.5840/raftlab"
)

type Raft struct{ term int }

type VoteArgs struct{ Term int }
type VoteReply struct {
	Term    int
	Granted bool
}

func (rf *Raft) RequestVote(args *VoteArgs, reply *VoteReply) {
	reply.Term = rf.term
	reply.Granted = args.Term >= rf.term
}

func (rf *Raft) Boom(args *VoteArgs, reply *VoteReply) { panic("boom") }

// Not handlers: wrong shapes, unexported.
func (rf *Raft) GetState() (int, bool)                  { return rf.term, false }
func (rf *Raft) requestVote(a *VoteArgs, r *VoteReply)  {}
func (rf *Raft) ByValue(args VoteArgs, reply VoteReply) {}

func encode(t *testing.T, v interface{}) []byte {
	var w bytes.Buffer
	if err := labgob.NewEncoder(&w).Encode(v); err != nil {
		t.Fatal(err)
	}
	return w.Bytes()
}

func TestServiceFindsHandlersByReflection(t *testing.T) {
	svc := MakeService(&Raft{term: 5})
	if svc.Name() != "Raft" {
		t.Fatalf("service name %q, want Raft", svc.Name())
	}
	if len(svc.methods) != 2 {
		t.Fatalf("handlers %v, want RequestVote and Boom only", svc.methods)
	}
	rep, code, err := svc.Dispatch("Raft.RequestVote", encode(t, VoteArgs{Term: 6}))
	if code != raftlab.OK || err != nil {
		t.Fatalf("code %d err %v", code, err)
	}
	var reply VoteReply
	if err := labgob.NewDecoder(bytes.NewBuffer(rep)).Decode(&reply); err != nil {
		t.Fatal(err)
	}
	if reply.Term != 5 || !reply.Granted {
		t.Fatalf("reply %+v", reply)
	}
}

func TestUnknownMethodAndPanicAreReported(t *testing.T) {
	svc := MakeService(&Raft{})
	_, code, err := svc.Dispatch("Raft.Vote", encode(t, VoteArgs{}))
	if code != raftlab.UnknownMethod || err == nil || !strings.Contains(err.Error(), "Raft.RequestVote") {
		t.Fatalf("unknown method: code %d err %v (the error should list the handlers)", code, err)
	}
	_, code, _ = svc.Dispatch("KV.RequestVote", encode(t, VoteArgs{}))
	if code != raftlab.UnknownMethod {
		t.Fatalf("unknown service: code %d", code)
	}
	_, code, err = svc.Dispatch("Raft.Boom", encode(t, VoteArgs{}))
	if code != raftlab.Internal || err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("panic: code %d err %v", code, err)
	}
	_, code, _ = svc.Dispatch("Raft.RequestVote", []byte("not gob"))
	if code != raftlab.Internal {
		t.Fatalf("undecodable arguments: code %d", code)
	}
}
