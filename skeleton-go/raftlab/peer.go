// Package raftlab is the Go side of raftlab's C ABI (raftlab.h): it turns
// the harness's calls into calls on one Go object per Raft peer, and gives
// that peer the harness's services (RPC, apply, Persister, log). You do not
// edit it: your code talks to it through labrpc.ClientEnd, the Persister
// and applyCh, exactly as in MIT's lab.
//
// One Go runtime per process: the plugin table sets RAFTLAB_PLUGIN_LOAD_ONCE,
// so labtest loads this library once per test process and makes every peer
// (and every restart of a peer) on that one image. Package-level variables
// are therefore SHARED by all peers and survive a crash: keep all of a
// peer's state in its Raft struct (MIT's rule too).
//
// After the harness kills a peer, this layer answers for the peer's
// goroutines as MIT's tester does for a crashed server: Call returns false,
// Save is dropped (the old Persister is orphaned), applied messages are
// dropped, reads of the Persister return nothing. No goroutine ever touches
// the harness's services after kill() returned.
package raftlab

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

// Log levels, as raftlab.h's RAFTLAB_LOG_*.
const (
	LevelDebug = 0
	LevelInfo  = 1
	LevelWarn  = 2
	LevelError = 3
)

// Peer is one Raft peer incarnation as the harness sees it: the host
// services of that instance behind a gate that closes at kill().
// Safe for concurrent use by any number of goroutines.
type Peer struct {
	host *C.raftlab_host // owned by the harness; used only while the gate is open
	me   int
	n    int

	mu       sync.Mutex
	drained  *sync.Cond
	closed   bool // kill() began: no new use of host
	inflight int  // host calls in progress
}

func newPeer(host *C.raftlab_host, me, n int) *Peer {
	p := &Peer{host: host, me: me, n: n}
	p.drained = sync.NewCond(&p.mu)
	return p
}

// Me is this peer's index; N the number of peers.
func (p *Peer) Me() int { return p.me }
func (p *Peer) N() int  { return p.n }

// enter opens one use of the host; false once the peer is being killed.
func (p *Peer) enter() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.inflight++
	return true
}

func (p *Peer) leave() {
	p.mu.Lock()
	p.inflight--
	if p.inflight == 0 {
		p.drained.Broadcast()
	}
	p.mu.Unlock()
}

// close stops new uses of the host and waits for those in progress (the
// harness has already made its services fail fast: calls return within
// 100 ms, a waiting apply returns).
func (p *Peer) close() {
	p.mu.Lock()
	p.closed = true
	for p.inflight > 0 {
		p.drained.Wait()
	}
	p.mu.Unlock()
}

// Killed reports whether the harness has begun to kill this peer.
func (p *Peer) Killed() bool {
	if !p.enter() {
		return true
	}
	defer p.leave()
	return C.rl_host_killed(p.host) != 0
}

func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

func takeBuf(b *C.rl_buf) []byte {
	defer C.rl_buf_free(b)
	if b.len == 0 {
		return []byte{}
	}
	return C.GoBytes(unsafe.Pointer(b.data), C.int(b.len))
}

// Call sends req to peer `to` as method "Service.Method" and waits for the
// reply (labrpc semantics: false when the request or reply was lost, the
// peer is dead or unreachable; may take up to about 7 s).
func (p *Peer) Call(to int, method string, req []byte) ([]byte, bool) {
	if !p.enter() {
		return nil, false
	}
	defer p.leave()
	cm := C.CString(method)
	defer C.free(unsafe.Pointer(cm))
	reply := C.rl_buf_new()
	ok := C.rl_host_call(p.host, C.int32_t(to), cm, bytesPtr(req), C.size_t(len(req)), reply)
	out := takeBuf(reply)
	return out, ok != 0
}

// ApplyCommand and ApplySnapshot deliver to the service above Raft and wait
// until it took the message. False when the peer was killed.
func (p *Peer) ApplyCommand(index int64, command []byte) bool {
	return p.apply(C.RAFTLAB_APPLY_COMMAND, index, 0, command)
}

func (p *Peer) ApplySnapshot(index, term int64, snapshot []byte) bool {
	return p.apply(C.RAFTLAB_APPLY_SNAPSHOT, index, term, snapshot)
}

func (p *Peer) apply(kind C.int32_t, index, term int64, data []byte) bool {
	if !p.enter() {
		return false
	}
	defer p.leave()
	return C.rl_host_apply(p.host, kind, C.int64_t(index), C.int64_t(term), bytesPtr(data), C.size_t(len(data))) ==
		C.RAFTLAB_OK
}

// Logf records one line in the harness's log of this peer (shown with the
// test's failure, and live with labtest -v). Dropped after kill.
func (p *Peer) Logf(level int, format string, args ...interface{}) {
	if !p.enter() {
		return
	}
	defer p.leave()
	text := C.CString(fmt.Sprintf(format, args...))
	defer C.free(unsafe.Pointer(text))
	C.rl_host_log(p.host, C.int32_t(level), text)
}

// Random is a 64-bit value from this peer's generator (derived from the
// run's seed); 0 after kill.
func (p *Peer) Random() uint64 {
	if !p.enter() {
		return 0
	}
	defer p.leave()
	return uint64(C.rl_host_random(p.host))
}
