// Package labgob is encoding/gob with the checks of MIT's labgob: it warns
// (once per problem, on stderr) about struct fields whose names start with a
// lower-case letter, which gob silently skips, so that an RPC argument or a
// persisted field would arrive as zero; and about decoding into a variable
// that is not at its zero value, whose zero fields gob would leave alone.
// Same API as MIT's: NewEncoder, NewDecoder, Encode, Decode, Register,
// RegisterName.
package labgob

import (
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"reflect"
	"sync"
	"unicode"
	"unicode/utf8"
)

var (
	mu       sync.Mutex
	warned   = map[string]bool{} // warnings already printed
	checked  = map[reflect.Type]bool{}
	problems int // lower-case fields and non-default decodes seen
)

// Problems is the number of distinct problems reported so far.
func Problems() int {
	mu.Lock()
	defer mu.Unlock()
	return problems
}

func warn(key, format string, args ...interface{}) {
	mu.Lock()
	defer mu.Unlock()
	if warned[key] {
		return
	}
	warned[key] = true
	problems++
	fmt.Fprintf(os.Stderr, "labgob warning: "+format+"\n", args...)
}

// LabEncoder wraps gob.Encoder.
type LabEncoder struct {
	gob *gob.Encoder
}

func NewEncoder(w io.Writer) *LabEncoder { return &LabEncoder{gob: gob.NewEncoder(w)} }

func (e *LabEncoder) Encode(v interface{}) error {
	checkValue(v)
	return e.gob.Encode(v)
}

func (e *LabEncoder) EncodeValue(v reflect.Value) error {
	checkValue(v.Interface())
	return e.gob.EncodeValue(v)
}

// LabDecoder wraps gob.Decoder.
type LabDecoder struct {
	gob *gob.Decoder
}

func NewDecoder(r io.Reader) *LabDecoder { return &LabDecoder{gob: gob.NewDecoder(r)} }

func (d *LabDecoder) Decode(v interface{}) error {
	checkValue(v)
	checkDefault(v)
	return d.gob.Decode(v)
}

// Register and RegisterName record a concrete type sent inside an
// interface value (gob.Register).
func Register(v interface{}) {
	checkValue(v)
	gob.Register(v)
}

func RegisterName(name string, v interface{}) {
	checkValue(v)
	gob.RegisterName(name, v)
}

func checkValue(v interface{}) {
	if v == nil {
		return
	}
	checkType(reflect.TypeOf(v))
}

// checkType walks t once and warns about every lower-case field it holds.
func checkType(t reflect.Type) {
	mu.Lock()
	if checked[t] {
		mu.Unlock()
		return
	}
	checked[t] = true
	mu.Unlock()
	switch t.Kind() {
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			r, _ := utf8.DecodeRuneInString(f.Name)
			if !unicode.IsUpper(r) {
				warn(t.String()+"."+f.Name,
					"field %s of %s starts with a lower-case letter: gob skips it, so it arrives as its "+
						"zero value in every RPC, and is never persisted; capitalise it", f.Name, t.String())
			}
			checkType(f.Type)
		}
	case reflect.Slice, reflect.Array, reflect.Ptr:
		checkType(t.Elem())
	case reflect.Map:
		checkType(t.Key())
		checkType(t.Elem())
	}
}

// checkDefault warns when v (a pointer) points at a value with non-zero
// fields: gob does not overwrite a field whose encoded value is the zero
// value, so such a field would keep its old content (a reply reused
// across calls, say).
func checkDefault(v interface{}) {
	if v == nil {
		return
	}
	checkDefaultValue(reflect.ValueOf(v), 1, "")
}

func checkDefaultValue(v reflect.Value, depth int, name string) {
	if depth > 3 {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			n := f.Name
			if name != "" {
				n = name + "." + n
			}
			checkDefaultValue(v.Field(i), depth+1, n)
		}
	case reflect.Ptr:
		if v.IsNil() {
			return
		}
		checkDefaultValue(v.Elem(), depth+1, name)
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String:
		if !v.IsZero() {
			what := name
			if what == "" {
				what = "the variable"
			}
			warn("default:"+v.Type().String()+":"+name,
				"decoding into a variable whose %s is not its zero value (%v): gob leaves a field alone "+
					"when the sender's value is zero, so the old value stays; decode into a fresh variable",
				what, v)
		}
	}
}
