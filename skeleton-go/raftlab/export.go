package raftlab

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/cgo"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// Instance is what main.go makes of your Raft for one peer incarnation.
// Every method may be called from many harness threads at once.
type Instance interface {
	// Start proposes a command (the harness's bytes).
	Start(command []byte) (index int64, term int64, isLeader bool)
	GetState() (term int64, isLeader bool)
	// HandleRPC runs the handler for "Service.Method". code is one of
	// RAFTLAB_OK, RAFTLAB_ERR_UNKNOWN_METHOD, RAFTLAB_ERR_INTERNAL.
	HandleRPC(method string, req []byte) (reply []byte, code int32)
	Snapshot(index int64, snapshot []byte)
	Kill()
}

// Result codes of HandleRPC (raftlab.h).
const (
	OK            = int32(C.RAFTLAB_OK)
	UnknownMethod = int32(C.RAFTLAB_ERR_UNKNOWN_METHOD)
	Internal      = int32(C.RAFTLAB_ERR_INTERNAL)
)

// MakeFunc makes one peer incarnation over p. It must return quickly.
type MakeFunc func(p *Peer) Instance

var makeFunc MakeFunc // set once by Register, from main's init

// Register sets the function that makes a peer (main.go calls it once).
func Register(f MakeFunc) { makeFunc = f }

type instance struct {
	peer *Peer
	inst Instance
	once sync.Once // kill
}

func lookup(h C.uintptr_t) *instance { return cgo.Handle(h).Value().(*instance) }

func init() {
	// A crash prints every goroutine, not only the one that panicked.
	debug.SetTraceback("all")
}

var quitOnce sync.Once

// dumpOnQuit makes SIGQUIT print every goroutine's stack on stderr while the
// test goes on (a Go program would exit; a c-shared library leaves SIGQUIT
// alone unless asked). For a hang: kill -QUIT <the test process>. Set up
// at the first Make, so only in test processes (labtest itself only reads
// the plugin table).
func dumpOnQuit() {
	quit := make(chan os.Signal, 1)
	signal.Notify(quit, syscall.SIGQUIT)
	go func() {
		for range quit {
			fmt.Fprintf(os.Stderr, "raftlab (Go): SIGQUIT; every goroutine:\n%s\n", allStacks())
		}
	}()
}

// allStacks is every goroutine's stack.
func allStacks() []byte {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// watchdog prints every goroutine's stack on stderr when a call from the
// harness into Go has not returned after `after` (a deadlock in your code,
// usually on rf.mu), once per process: the harness's own stack dump shows
// only the Go runtime's threads, not your goroutines.
func watchdog(what func() string, after time.Duration) *time.Timer {
	return time.AfterFunc(after, func() {
		dumpOnce.Do(func() {
			fmt.Fprintf(os.Stderr, "raftlab (Go): %s has not returned after %v; every goroutine:\n%s\n",
				what(), after, allStacks())
		})
	})
}

var dumpOnce sync.Once

const stuckAfter = 3 * time.Second

//export raftlabGoMake
func raftlabGoMake(host *C.raftlab_host, me C.int32_t, n C.int32_t) C.uintptr_t {
	quitOnce.Do(dumpOnQuit)
	p := newPeer(host, int(me), int(n))
	if makeFunc == nil {
		p.Logf(LevelError, "raftlab (Go): no Make registered (main.go must call raftlab.Register)")
		return 0
	}
	defer watchdog(func() string { return fmt.Sprintf("peer %d's Make()", me) }, stuckAfter).Stop()
	var inst Instance
	func() {
		defer func() {
			if r := recover(); r != nil {
				p.Logf(LevelError, "panic in Make: %v\n%s", r, debug.Stack())
				inst = nil
			}
		}()
		inst = makeFunc(p)
	}()
	if inst == nil {
		p.close() // the harness never kills a peer it did not get: nothing may use its host
		return 0
	}
	return C.uintptr_t(cgo.NewHandle(&instance{peer: p, inst: inst}))
}

//export raftlabGoStart
func raftlabGoStart(h C.uintptr_t, cmd *C.uint8_t, n C.size_t, index *C.int64_t, term *C.int64_t,
	isLeader *C.int32_t) {
	in := lookup(h)
	defer watchdog(func() string { return fmt.Sprintf("peer %d's Start()", in.peer.me) }, stuckAfter).Stop()
	i, t, l := in.inst.Start(C.GoBytes(unsafe.Pointer(cmd), C.int(n)))
	*index, *term, *isLeader = C.int64_t(i), C.int64_t(t), 0
	if l {
		*isLeader = 1
	}
}

//export raftlabGoGetState
func raftlabGoGetState(h C.uintptr_t, term *C.int64_t, isLeader *C.int32_t) {
	in := lookup(h)
	t, l := in.inst.GetState()
	*term, *isLeader = C.int64_t(t), 0
	if l {
		*isLeader = 1
	}
}

//export raftlabGoHandleRPC
func raftlabGoHandleRPC(h C.uintptr_t, method *C.char, req *C.uint8_t, n C.size_t, sink *C.raftlab_sink) C.int32_t {
	in := lookup(h)
	name := C.GoString(method)
	defer watchdog(func() string { return fmt.Sprintf("peer %d's RPC handler %s", in.peer.me, name) }, stuckAfter).Stop()
	reply, code := in.inst.HandleRPC(name, C.GoBytes(unsafe.Pointer(req), C.int(n)))
	if code == OK && len(reply) > 0 {
		C.rl_sink_write(sink, bytesPtr(reply), C.size_t(len(reply)))
	}
	return C.int32_t(code)
}

//export raftlabGoSnapshot
func raftlabGoSnapshot(h C.uintptr_t, index C.int64_t, snap *C.uint8_t, n C.size_t) {
	in := lookup(h)
	defer watchdog(func() string { return fmt.Sprintf("peer %d's Snapshot(%d)", in.peer.me, index) }, stuckAfter).Stop()
	in.inst.Snapshot(int64(index), C.GoBytes(unsafe.Pointer(snap), C.int(n)))
}

//export raftlabGoPersistBytes
func raftlabGoPersistBytes(h C.uintptr_t) C.int64_t {
	in := lookup(h)
	return C.int64_t(NewPersister(in.peer).RaftStateSize())
}

//export raftlabGoKill
func raftlabGoKill(h C.uintptr_t) {
	in := lookup(h)
	in.once.Do(func() {
		defer watchdog(func() string { return fmt.Sprintf("peer %d's Kill()", in.peer.me) }, stuckAfter).Stop()
		// Close the gate first: from here on your goroutines see a dead
		// network and a detached Persister, whatever Kill() does.
		in.peer.mu.Lock()
		in.peer.closed = true
		in.peer.mu.Unlock()
		in.inst.Kill()
		in.peer.close() // waits for host calls already in progress
	})
}

//export raftlabGoDestroy
func raftlabGoDestroy(h C.uintptr_t) {
	raftlabGoKill(h) // harmless if done; the gate must be closed before the host goes
	cgo.Handle(h).Delete()
}

// MethodName splits "Service.Method" at the last dot.
func MethodName(svcMeth string) (service, method string) {
	dot := strings.LastIndex(svcMeth, ".")
	if dot < 0 {
		return "", svcMeth
	}
	return svcMeth[:dot], svcMeth[dot+1:]
}
