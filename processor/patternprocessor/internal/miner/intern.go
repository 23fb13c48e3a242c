package miner

import "sync"

// interned holds the masked tokens met so far, so that a masked token is
// allocated once, not once per line. Masked tokens are few (their variable
// parts are gone); the table is bounded all the same.
var interned = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

const maxInterned = 1 << 16

func intern(b []byte) string {
	interned.RLock()
	s, ok := interned.m[string(b)] // no allocation for the lookup
	interned.RUnlock()
	if ok {
		return s
	}
	s = string(b)
	interned.Lock()
	if len(interned.m) >= maxInterned {
		clear(interned.m)
	}
	interned.m[s] = s
	interned.Unlock()
	return s
}
