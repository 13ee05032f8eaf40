package raftlab

import "runtime"

// runtime_Stack writes every goroutine's stack into buf.
func runtime_Stack(buf []byte) int { return runtime.Stack(buf, true) }
