package main

import "testing"

func TestHarnessCommandsBecomeGoValuesAndBack(t *testing.T) {
	cases := []struct {
		bytes string
		value interface{}
	}{
		{"101", 101}, {"0", 0}, {"-7", -7}, {"2147483647", 2147483647},
		{"007", "007"}, {"+5", "+5"}, {"", ""}, {"abc", "abc"}, {"12 ", "12 "},
	}
	for _, c := range cases {
		v := commandValue([]byte(c.bytes))
		if v != c.value {
			t.Errorf("commandValue(%q) = %#v, want %#v", c.bytes, v, c.value)
		}
		if back := string(commandBytes(nil, v)); back != c.bytes {
			t.Errorf("commandBytes(%#v) = %q, want %q", v, back, c.bytes)
		}
	}
	if got := string(commandBytes(nil, int64(42))); got != "42" {
		t.Errorf("int64 42 applied as %q", got)
	}
}
