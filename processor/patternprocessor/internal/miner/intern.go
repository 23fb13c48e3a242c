package miner

import "sync"

// interned holds the masked tokens met so far, so that a masked token is
// allocated once, not once per line. Masked tokens are few (their variable
// parts are gone); the table is bounded by bytes all the same, and emptied
// when full (patterns keep their own references, so nothing is lost).
var interned = struct {
	sync.RWMutex
	m     map[string]string
	bytes int
}{m: map[string]string{}}

// MaxInternedBytes bounds the intern table: key text plus map overhead.
const MaxInternedBytes = 4 << 20

const internOverhead = 64 // map entry and string headers

func intern(b []byte) string {
	interned.RLock()
	s, ok := interned.m[string(b)] // no allocation for the lookup
	interned.RUnlock()
	if ok {
		return s
	}
	s = string(b)
	interned.Lock()
	if interned.bytes+len(s)+internOverhead > MaxInternedBytes {
		clear(interned.m)
		interned.bytes = 0
	}
	interned.m[s] = s
	interned.bytes += len(s) + internOverhead
	interned.Unlock()
	return s
}

// InternedBytes is the current size of the intern table.
func InternedBytes() int {
	interned.RLock()
	defer interned.RUnlock()
	return interned.bytes
}
