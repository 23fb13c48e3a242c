// Package miner learns log templates online. Lines are tokenized with
// their variables masked (see Tokenizer), grouped by token count and first
// token, and each line joins the most similar template of its group, or
// starts a new one. Joining turns the positions that differ into
// wildcards. A template's id is fixed when it is created and never changes.
package miner

import (
	"container/list"
	"encoding/hex"
	"strings"

	"github.com/cespare/xxhash/v2"
)

// Threshold is the share of a template's informative tokens (those with no
// wildcard in them) that a line must repeat to join it. It is the same for
// every source: masking takes the variables out first, so what is left is
// mostly constant text, and 0.7 lets about one word in three vary.
const Threshold = 0.7

// Pattern is a learned template.
type Pattern struct {
	// ID identifies the pattern for good; Hex is its text form.
	ID  uint64
	Hex string

	tokens   []string
	template string
	key      groupKey
	elem     *list.Element
	// Size is the number of lines the pattern took.
	Size int
}

// Template is the pattern's text, with <*> for the variable parts.
func (p *Pattern) Template() string { return p.template }

type groupKey struct {
	n     int
	first string
}

// Miner holds the patterns of one partition. It is not safe for use by
// several goroutines at once.
type Miner struct {
	seed    uint64
	max     int
	groups  map[groupKey][]*Pattern
	lru     *list.List // front: most recently used
	evicted int
	digest  *xxhash.Digest
}

// New returns a miner holding at most max patterns; past that, the least
// recently used pattern is forgotten. seed separates the ids of partitions.
func New(seed uint64, max int) *Miner {
	return &Miner{seed: seed, max: max, groups: map[groupKey][]*Pattern{}, lru: list.New(), digest: xxhash.New()}
}

// Len is the number of patterns held.
func (m *Miner) Len() int { return m.lru.Len() }

// Evicted is the number of patterns forgotten at the bound so far.
func (m *Miner) Evicted() int { return m.evicted }

// Match finds or creates the pattern of a tokenized line. created tells
// whether the pattern is new. tokens may be reused by the caller afterwards.
func (m *Miner) Match(tokens []string) (p *Pattern, created bool) {
	key := groupKey{n: len(tokens)}
	if len(tokens) > 0 {
		key.first = tokens[0]
	}
	group := m.groups[key]
	best, bestSim := (*Pattern)(nil), -1.0
	for _, c := range group {
		if s := similarity(c.tokens, tokens); s > bestSim {
			best, bestSim = c, s
		}
	}
	if best != nil && bestSim >= Threshold {
		if generalize(best.tokens, tokens) {
			best.template = strings.Join(best.tokens, " ")
		}
		best.Size++
		m.lru.MoveToFront(best.elem)
		return best, false
	}
	return m.create(key, tokens), true
}

func (m *Miner) create(key groupKey, tokens []string) *Pattern {
	p := &Pattern{tokens: append([]string(nil), tokens...), key: key, Size: 1}
	p.template = strings.Join(p.tokens, " ")
	p.ID = m.hash(p.template)
	m.add(p)
	return p
}

// add makes p the most recently used pattern, within the bound.
func (m *Miner) add(p *Pattern) {
	var b [8]byte
	for i := range b {
		b[i] = byte(p.ID >> (56 - 8*i))
	}
	p.Hex = hex.EncodeToString(b[:])
	p.elem = m.lru.PushFront(p)
	m.groups[p.key] = append(m.groups[p.key], p)
	if m.max > 0 && m.lru.Len() > m.max {
		m.evict(m.lru.Back().Value.(*Pattern))
	}
}

// Snapshot is a pattern as it is saved and restored.
type Snapshot struct {
	ID     uint64   `json:"id"`
	Tokens []string `json:"tokens"`
	Size   int      `json:"size"`
}

// Export returns the patterns, least recently used first.
func (m *Miner) Export() []Snapshot {
	out := make([]Snapshot, 0, m.lru.Len())
	for e := m.lru.Back(); e != nil; e = e.Prev() {
		p := e.Value.(*Pattern)
		out = append(out, Snapshot{ID: p.ID, Tokens: p.tokens, Size: p.Size})
	}
	return out
}

// Restore adds saved patterns, keeping their ids; the last one given
// becomes the most recently used.
func (m *Miner) Restore(saved []Snapshot) {
	for _, s := range saved {
		if len(s.Tokens) == 0 {
			continue
		}
		p := &Pattern{ID: s.ID, tokens: append([]string(nil), s.Tokens...), Size: s.Size,
			key: groupKey{n: len(s.Tokens), first: s.Tokens[0]}}
		p.template = strings.Join(p.tokens, " ")
		m.add(p)
	}
}

// hash derives an id from the partition and the first template, so that
// replaying a stream gives the same ids.
func (m *Miner) hash(template string) uint64 {
	m.digest.Reset()
	var b [8]byte
	for i := range b {
		b[i] = byte(m.seed >> (8 * i))
	}
	_, _ = m.digest.Write(b[:])
	_, _ = m.digest.WriteString(template)
	return m.digest.Sum64()
}

func (m *Miner) evict(p *Pattern) {
	m.lru.Remove(p.elem)
	g := m.groups[p.key]
	for i, c := range g {
		if c == p {
			g = append(g[:i], g[i+1:]...)
			break
		}
	}
	if len(g) == 0 {
		delete(m.groups, p.key)
	} else {
		m.groups[p.key] = g
	}
	m.evicted++
}

// similarity is the share of the template's informative tokens that the
// line repeats. Tokens with a wildcard inside ("<*>:", "uid=<*>") carry
// little information, so they do not count. A template with no informative
// token matches any line of its group.
func similarity(template, tokens []string) float64 {
	constant, same := 0, 0
	for i, t := range template {
		if strings.Contains(t, Wildcard) {
			continue
		}
		constant++
		if tokens[i] == t {
			same++
		}
	}
	if constant == 0 {
		return 1
	}
	return float64(same) / float64(constant)
}

// generalize turns the template positions where the line differs into
// wildcards and reports whether the template changed.
func generalize(template, tokens []string) bool {
	changed := false
	for i, t := range template {
		if t != Wildcard && tokens[i] != t {
			template[i] = Wildcard
			changed = true
		}
	}
	return changed
}
