// Package labrpc is MIT's labrpc API over raftlab's network: a ClientEnd
// per peer (peers[i] reaches peer i; peers[me] is yourself) whose Call
// gob-encodes the arguments, sends them through the harness's simulated
// network (drops, delays, partitions, crashes with MIT's semantics) and
// decodes the reply; and the server side, which finds RPC handlers on your
// Raft by reflection as labrpc does.
package labrpc

import (
	"bytes"
	"fmt"
	"reflect"

	"6.5840/labgob"
	"6.5840/raftlab"
)

// ClientEnd reaches one peer. Safe for concurrent use: many Calls may be in
// flight at once, and may arrive in any order.
type ClientEnd struct {
	from *raftlab.Peer
	to   int
}

// MakeEnds is for this layer only (main.go): the ends of peer `from`.
func MakeEnds(from *raftlab.Peer) []*ClientEnd {
	ends := make([]*ClientEnd, from.N())
	for i := range ends {
		ends[i] = &ClientEnd{from: from, to: i}
	}
	return ends
}

// Call sends an RPC and waits for its reply. svcMeth is "Raft.AppendEntries"
// (the service, a dot, a method of your Raft); args is the arguments (a
// value or a pointer); reply must be a pointer to a fresh (zero) reply.
// Returns true if the handler ran and its reply came back, false when the
// request or the reply was lost, the peer is dead or unreachable, or this
// peer was killed. Call always returns, though a lost message can take up
// to about 7 s: never hold a lock across it, and do not add timeouts.
// A malformed reply (types that do not match the handler's) panics, as
// MIT's labrpc stops the test.
func (e *ClientEnd) Call(svcMeth string, args interface{}, reply interface{}) bool {
	var req bytes.Buffer
	if err := labgob.NewEncoder(&req).Encode(args); err != nil {
		panic(fmt.Sprintf("labrpc.Call(%q): cannot encode the arguments %T: %v", svcMeth, args, err))
	}
	rep, ok := e.from.Call(e.to, svcMeth, req.Bytes())
	if !ok {
		return false
	}
	if err := labgob.NewDecoder(bytes.NewBuffer(rep)).Decode(reply); err != nil {
		panic(fmt.Sprintf("labrpc.Call(%q): cannot decode the reply into %T: %v (do the sender's and the "+
			"handler's reply types match?)", svcMeth, reply, err))
	}
	return true
}

// Service holds the RPC handlers of one object (your *Raft): its exported
// methods with two arguments, the second a pointer (the reply), and no
// results, as labrpc requires.
type Service struct {
	name    string
	rcvr    reflect.Value
	methods map[string]reflect.Method
}

// MakeService finds rcvr's handlers. The service's name is the type's name
// ("Raft").
func MakeService(rcvr interface{}) *Service {
	svc := &Service{
		name:    reflect.Indirect(reflect.ValueOf(rcvr)).Type().Name(),
		rcvr:    reflect.ValueOf(rcvr),
		methods: map[string]reflect.Method{},
	}
	t := reflect.TypeOf(rcvr)
	for m := 0; m < t.NumMethod(); m++ {
		method := t.Method(m)
		mt := method.Type
		if method.PkgPath != "" || mt.NumIn() != 3 || mt.In(2).Kind() != reflect.Ptr || mt.NumOut() != 0 {
			continue // not a handler
		}
		svc.methods[method.Name] = method
	}
	return svc
}

// Name is the service's name, e.g. "Raft".
func (svc *Service) Name() string { return svc.name }

// Dispatch runs the handler for svcMeth ("Raft.AppendEntries") on the
// encoded arguments and returns the encoded reply. code is raftlab.OK,
// raftlab.UnknownMethod (no such service or handler: the error says what
// exists), or raftlab.Internal (the arguments do not decode, or the handler
// panicked: err says which).
func (svc *Service) Dispatch(svcMeth string, req []byte) (reply []byte, code int32, err error) {
	service, name := raftlab.MethodName(svcMeth)
	method, found := svc.methods[name]
	if service != svc.name || !found {
		known := []string{}
		for n := range svc.methods {
			known = append(known, svc.name+"."+n)
		}
		return nil, raftlab.UnknownMethod, fmt.Errorf("unknown RPC %q: the handlers of %s are %v", svcMeth,
			svc.name, known)
	}
	args := reflect.New(method.Type.In(1))
	if err := labgob.NewDecoder(bytes.NewBuffer(req)).Decode(args.Interface()); err != nil {
		return nil, raftlab.Internal, fmt.Errorf("RPC %s: cannot decode the arguments into %v: %v (do Call's "+
			"argument type and the handler's match?)", svcMeth, method.Type.In(1), err)
	}
	replyv := reflect.New(method.Type.In(2).Elem())
	defer func() {
		if r := recover(); r != nil {
			reply, code, err = nil, raftlab.Internal, fmt.Errorf("RPC handler %s panicked: %v", svcMeth, r)
		}
	}()
	method.Func.Call([]reflect.Value{svc.rcvr, args.Elem(), replyv})
	var out bytes.Buffer
	if err := labgob.NewEncoder(&out).Encode(replyv.Interface()); err != nil {
		return nil, raftlab.Internal, fmt.Errorf("RPC %s: cannot encode the reply: %v", svcMeth, err)
	}
	return out.Bytes(), raftlab.OK, nil
}
