package labgob

import (
	"bytes"
	"testing"
)

type goodArgs struct {
	Term    int
	Entries []entry
}

type entry struct {
	Term    int
	Command interface{}
}

type badArgs struct {
	Term   int
	leader int // lower case: gob skips it
}

func TestRoundTripKeepsIntAndStringCommands(t *testing.T) {
	var w bytes.Buffer
	in := goodArgs{Term: 3, Entries: []entry{{1, 101}, {2, "x"}}}
	if err := NewEncoder(&w).Encode(in); err != nil {
		t.Fatal(err)
	}
	var out goodArgs
	if err := NewDecoder(&w).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.Term != 3 || out.Entries[0].Command != 101 || out.Entries[1].Command != "x" {
		t.Fatalf("round trip gave %+v", out)
	}
}

func TestWarnsOnceAboutALowerCaseField(t *testing.T) {
	before := Problems()
	for i := 0; i < 3; i++ {
		var w bytes.Buffer
		NewEncoder(&w).Encode(badArgs{Term: 1, leader: 2})
	}
	if got := Problems() - before; got != 1 {
		t.Fatalf("%d new problems, want exactly 1 (the lower-case field, reported once)", got)
	}
}

func TestWarnsAboutDecodingIntoANonZeroReply(t *testing.T) {
	var w bytes.Buffer
	NewEncoder(&w).Encode(goodArgs{Term: 0})
	before := Problems()
	reused := goodArgs{Term: 7}
	NewDecoder(&w).Decode(&reused)
	if Problems()-before != 1 {
		t.Fatalf("no warning for decoding into a value whose Term is 7")
	}
	if reused.Term != 7 {
		t.Fatalf("gob overwrote a field with a zero value (Term=%d): the warning's premise changed", reused.Term)
	}
}
