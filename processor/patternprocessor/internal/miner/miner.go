// Package miner learns log templates online. Lines are tokenized with
// their variables masked (see Tokenizer), grouped by token count and first
// token, and each line joins the most similar template of its group, or
// starts a new one. Joining turns the positions that differ into
// wildcards. A template's id is fixed when it is created and never changes.
//
// A first token that looks like a name (a program, host or component:
// "com.apple.X.daily:", "kernel[<*>]:", "svchost.exe") is not trusted as
// a group key: such lines share one group per token count and second
// token (the next level of Drain's tree), and the similarity of every
// token, the first included, decides, as Drain does for tokens that hold
// digits.
package miner

import (
	"container/list"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"
)

// DefaultThreshold is the share of a template's informative tokens (those
// with no wildcard in them) that a line must repeat to join it. It is the
// same for every source: masking takes the variables out first, so what is
// left is mostly constant text, and 0.7 lets about one word in three vary.
const DefaultThreshold = 0.7

// Pattern is a learned template.
type Pattern struct {
	// ID identifies the pattern for good; Hex is its text form.
	ID  uint64
	Hex string

	// tokens are substrings of origin (a copy owned by the pattern, never
	// of the record) or the Wildcard constant.
	tokens   []string
	origin   string
	template string
	key      groupKey
	elem     *list.Element
	bytes    int
	// Size is the number of lines the pattern took.
	Size int
}

// Template is the pattern's text, with <*> for the variable parts.
func (p *Pattern) Template() string { return p.template }

type groupKey struct {
	n     int
	first string // "" when the first token looks like a name
	// second is the second token when the first looks like a name: as in
	// Drain's tree, the next token narrows the group, so that a line is
	// compared with the templates that share it, not with every template
	// of its length (which made mining slow in proportion to them).
	second string
}

// Miner holds the patterns of one partition. It is not safe for use by
// several goroutines at once.
type Miner struct {
	seed      uint64
	max       int
	threshold float64
	groups    map[groupKey][]*Pattern
	lru       *list.List // front: most recently used
	evicted   int
	bytes     int
	digest    *xxhash.Digest
}

// New returns a miner holding at most max patterns; past that, the least
// recently used pattern is forgotten. seed separates the ids of partitions.
// threshold is the similarity a line needs to join a pattern (0: the
// default).
func New(seed uint64, max int, threshold float64) *Miner {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	return &Miner{seed: seed, max: max, threshold: threshold, groups: map[groupKey][]*Pattern{},
		lru: list.New(), digest: xxhash.New()}
}

// Len is the number of patterns held.
func (m *Miner) Len() int { return m.lru.Len() }

// Evicted is the number of patterns forgotten so far.
func (m *Miner) Evicted() int { return m.evicted }

// Bytes estimates the memory the patterns hold: their text, token slices
// and fixed overhead. It is what a memory budget counts.
func (m *Miner) Bytes() int { return m.bytes }

// patternOverhead is the fixed cost of a pattern: the struct, its list
// element, its id text and its slot in the group.
const patternOverhead = 256

func keyOf(tokens []string) groupKey {
	key := groupKey{n: len(tokens)}
	if len(tokens) > 0 && !nameLike(tokens[0]) {
		key.first = tokens[0]
	} else if len(tokens) > 1 {
		key.second = tokens[1]
	}
	return key
}

// nameLike reports whether a first token is more likely a name that varies
// (a program, host, file or component) than a fixed word: it holds a dot,
// bracket or parenthesis, or a colon before its end. A token with masked
// parts is not: masking already made it the same across lines; nor is a
// key=value token (a structured record's kept fields).
func nameLike(tok string) bool {
	if strings.Contains(tok, Wildcard) || strings.IndexByte(tok, '=') >= 0 || isLevel(tok) {
		return false
	}
	if strings.ContainsAny(tok, ".[(") {
		return true
	}
	k := strings.IndexByte(tok, ':')
	return k >= 0 && k < len(tok)-1
}

// levels are the severity words that lead many lines, in brackets or not.
var levels = []string{"trace", "debug", "info", "notice", "warn", "warning", "error", "err", "crit", "critical", "fatal", "severe"}

// isLevel reports whether tok is a severity word in brackets or
// parentheses ("[INFO]", "(error):"): it tells records apart, unlike a
// name, so it keys its group.
func isLevel(tok string) bool {
	w := strings.TrimRight(tok, ":")
	if len(w) < 3 || !(w[0] == '[' && w[len(w)-1] == ']' || w[0] == '(' && w[len(w)-1] == ')') {
		return false
	}
	return isKey(w[1:len(w)-1], levels)
}

// Match finds or creates the pattern of a tokenized line. created tells
// whether the pattern is new. tokens may be reused by the caller afterwards;
// a new pattern copies what it keeps.
func (m *Miner) Match(tokens []string) (p *Pattern, created bool) {
	key := keyOf(tokens)
	best, bestSim, bestOK := (*Pattern)(nil), -1.0, false
	for _, c := range m.groups[key] {
		if s, ok := m.similarity(c.tokens, tokens); s > bestSim {
			best, bestSim, bestOK = c, s, ok
		}
	}
	if best != nil && bestOK {
		if generalize(best.tokens, tokens) {
			m.bytes -= best.bytes
			best.template = strings.Join(best.tokens, " ")
			best.bytes = best.size()
			m.bytes += best.bytes
		}
		best.Size++
		m.lru.MoveToFront(best.elem)
		return best, false
	}
	return m.create(tokens), true
}

func (m *Miner) create(tokens []string) *Pattern {
	p := newPattern(tokens)
	p.ID = m.hash(p.template)
	m.add(p)
	return p
}

// newPattern copies tokens into one string owned by the pattern, so that
// the pattern never keeps a record's body alive; its group key is taken
// from the copy too.
func newPattern(tokens []string) *Pattern {
	p := &Pattern{origin: strings.Join(tokens, " "), tokens: make([]string, len(tokens)), Size: 1}
	p.template = p.origin
	at := 0
	for i, t := range tokens {
		p.tokens[i] = p.origin[at : at+len(t)]
		at += len(t) + 1
	}
	p.key = keyOf(p.tokens)
	p.bytes = p.size()
	return p
}

func (p *Pattern) size() int {
	n := patternOverhead + len(p.origin) + 16*cap(p.tokens)
	if p.template != p.origin {
		n += len(p.template)
	}
	return n
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
	m.bytes += p.bytes
	if m.max > 0 && m.lru.Len() > m.max {
		m.EvictOldest()
	}
}

// EvictOldest forgets the least recently used pattern; it reports false
// when there is none.
func (m *Miner) EvictOldest() bool {
	e := m.lru.Back()
	if e == nil {
		return false
	}
	m.evict(e.Value.(*Pattern))
	return true
}

// Snapshot is a pattern as it is saved and restored.
type Snapshot struct {
	ID     uint64   `json:"id"`
	Tokens []string `json:"tokens"`
	Size   int      `json:"size"`
}

// Export returns copies of the patterns, least recently used first; they
// may be read while the miner goes on.
func (m *Miner) Export() []Snapshot {
	out := make([]Snapshot, 0, m.lru.Len())
	for e := m.lru.Back(); e != nil; e = e.Prev() {
		p := e.Value.(*Pattern)
		out = append(out, Snapshot{ID: p.ID, Tokens: slices.Clone(p.tokens), Size: p.Size})
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
		p := newPattern(s.Tokens)
		p.ID, p.Size = s.ID, s.Size
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
	m.bytes -= p.bytes
	m.evicted++
}

// similarity is the share of the template's informative tokens that the
// line repeats, and whether that is enough to join. Tokens with a wildcard
// inside ("<*>:", "uid=<*>") carry little information, so they do not
// count. A template with no informative token matches any line of its
// group.
//
// A line that differs in a single word, where at least singleContext other
// words agree in place, always joins, whatever the threshold: one word
// that varies inside fixed text is, in most logs, a parameter the masking
// could not see (a user or host name, a state). Without this, a high
// threshold split short events by their one variable word
// ("Failed password for root|admin from <*> port <*>", 5 of 6), while a
// low one was needed nowhere else; with it, the threshold only decides
// lines that differ in two words or more, and a threshold chosen on some
// logs carries over to others (README, held-out validation). At the
// default threshold (0.7) it changes nothing: 3 of 4 already pass.
func (m *Miner) similarity(template, tokens []string) (sim float64, ok bool) {
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
		return 1, true
	}
	sim = float64(same) / float64(constant)
	return sim, sim >= m.threshold || constant-same == 1 && same >= singleContext
}

// singleContext is the number of agreeing words that make a single
// differing word a parameter (see similarity): more than a word pair. It
// was the first value tried; the README gives what 2, 4 and 5 do.
const singleContext = 3

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
