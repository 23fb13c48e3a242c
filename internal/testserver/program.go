package testserver

import (
	"errors"
	"fmt"
	"os"
	"slices"
)

// TB is what starting a server needs from its caller. testing.TB has it;
// a program that is not a test (the testbed's bench command) uses
// StartChDB, which supplies its own.
type TB interface {
	Helper()
	TempDir() string
	Cleanup(func())
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// StartChDB starts chDB (see ChDB) for a program that is not a test. What
// would fail a test comes back as the error; stop stops the server and
// removes its folders.
func StartChDB() (s *Server, stop func(), err error) {
	p := &program{}
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		f, ok := r.(fatal)
		if !ok {
			panic(r) // a bug, not a failed start
		}
		p.stop()
		s, stop, err = nil, nil, f.error
	}()
	return ChDB(p), p.stop, nil
}

// fatal carries a program's Fatal to StartChDB's recover, as t.Fatal
// ends a test.
type fatal struct{ error }

// program is a TB for a command: temporary folders and cleanups are
// undone by stop, in reverse order.
type program struct{ cleanups []func() }

func (p *program) Helper() {}

func (p *program) TempDir() string {
	dir, err := os.MkdirTemp("", "otelhub-testserver-")
	if err != nil {
		p.Fatal(err)
	}
	p.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func (p *program) Cleanup(f func()) { p.cleanups = append(p.cleanups, f) }

func (p *program) Fatal(args ...any) { panic(fatal{errors.New(fmt.Sprint(args...))}) }

func (p *program) Fatalf(format string, args ...any) { panic(fatal{fmt.Errorf(format, args...)}) }

func (p *program) Logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

func (p *program) stop() {
	for _, f := range slices.Backward(p.cleanups) {
		f()
	}
	p.cleanups = nil
}
