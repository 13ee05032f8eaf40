package raft

import "log"

// Debug turns DPrintf on. Its lines go to stderr (kept in the failed run's
// folder as stderr.txt); rf.persister.Logf lines go to the harness's log of
// the peer instead, stamped with time and peer, and are shown with a failure.
const Debug = false

func DPrintf(format string, a ...interface{}) {
	if Debug {
		log.Printf(format, a...)
	}
}
