package patternprocessor

import (
	"context"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.uber.org/zap"

	"github.com/otelhub/otelhub/processor/patternprocessor/internal/miner"
)

// Records with nothing to mine get a pattern of their own kind: one for
// empty messages, one per type of non-string body. The token slices are
// shared and read-only.
var (
	emptyTokens     = []string{"<empty>"}
	nonStringTokens = func() map[pcommon.ValueType][]string {
		m := map[pcommon.ValueType][]string{}
		for _, t := range []pcommon.ValueType{pcommon.ValueTypeInt, pcommon.ValueTypeDouble, pcommon.ValueTypeBool,
			pcommon.ValueTypeMap, pcommon.ValueTypeSlice, pcommon.ValueTypeBytes} {
			m[t] = []string{"<non-string:" + t.String() + ">"}
		}
		return m
	}()
)

// Reasons a record's message is not mined as it came.
const (
	reasonEmpty = iota
	reasonNonString
	reasonTruncated
	reasonInvalidUTF8
	numReasons
)

var reasonNames = [numReasons]string{"empty", "non_string", "truncated", "invalid_utf8"}

// partition is the pattern state of one resource partition.
type partition struct {
	key      string
	miner    *miner.Miner
	lastUsed uint64 // the tagger's clock when a record last used it
}

// partitionOverhead is what a partition costs besides its patterns: its
// map entry, miner and group table.
const partitionOverhead = 1024

// patternTagger tags log records with their pattern. Only mining is under
// the mutex; reading bodies, UTF-8 repair, rules and writing attributes
// run outside it.
type patternTagger struct {
	cfg      *Config
	rules    []rule
	tel      *telemetry
	id       component.ID
	instance string // the pipeline, so that each instance keeps its own state
	logger   *zap.Logger
	client   storage.Client // nil without a storage extension
	budget   int            // bytes the patterns may hold

	mu         sync.Mutex
	partitions map[string]*partition
	tokenizer  *miner.Tokenizer
	clock      uint64
	bytes      int // patterns and partitions held, estimated

	claimedState bool // this instance holds its state name (see claim)

	stopSave chan struct{}
	saveDone chan struct{}
}

func newProcessor(cfg *Config, set processor.Settings, tel *telemetry) *patternTagger {
	p := &patternTagger{cfg: cfg, rules: compileRules(cfg.Rules), tel: tel, id: set.ID, logger: set.Logger,
		instance: pipelineOf(set.Logger), budget: cfg.MaxMemoryMiB << 20,
		partitions: map[string]*partition{}, tokenizer: miner.NewTokenizer(cfg.MaxLineLength)}
	return p
}

// usage is what the gauges report.
func (p *patternTagger) usage() (patterns, bytes int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, part := range p.partitions {
		patterns += part.miner.Len()
	}
	return patterns, p.bytes
}

func (p *patternTagger) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	var st stats
	var kb [128]byte
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		key := p.partitionKey(kb[:0], rl.Resource().Attributes())
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				p.tag(key, lrs.At(k), &st)
			}
		}
	}
	p.tel.record(ctx, &st)
	return ld, nil
}

// partitionKey appends the partition_by values of a resource to b.
func (p *patternTagger) partitionKey(b []byte, res pcommon.Map) []byte {
	for _, a := range p.cfg.PartitionBy {
		if v, ok := res.Get(a); ok {
			b = append(b, v.AsString()...)
		}
		b = append(b, 0)
	}
	return b
}

// partition finds the state for a key, creating it; past max_partitions
// the least recently used partition is reclaimed. Called under mu.
func (p *patternTagger) partition(key []byte, st *stats) *partition {
	p.clock++
	if part, ok := p.partitions[string(key)]; ok {
		part.lastUsed = p.clock
		return part
	}
	if len(p.partitions) >= p.cfg.MaxPartitions {
		p.dropPartition(p.oldestPartition(nil), st)
	}
	part := p.newPartition(string(key))
	part.lastUsed = p.clock
	return part
}

func (p *patternTagger) newPartition(key string) *partition {
	part := &partition{key: key, miner: miner.New(xxhash.Sum64String(key), p.cfg.MaxPatterns, p.cfg.SimilarityThreshold)}
	p.partitions[key] = part
	p.bytes += partitionOverhead + len(key)
	return part
}

// oldestPartition is the least recently used partition other than keep.
func (p *patternTagger) oldestPartition(keep *partition) *partition {
	var old *partition
	for _, part := range p.partitions {
		if part != keep && (old == nil || part.lastUsed < old.lastUsed) {
			old = part
		}
	}
	return old
}

func (p *patternTagger) dropPartition(part *partition, st *stats) {
	if part == nil {
		return
	}
	delete(p.partitions, part.key)
	p.bytes -= partitionOverhead + len(part.key) + part.miner.Bytes()
	st.evicted += part.miner.Len()
	st.partitionsDropped++
}

// mine finds the pattern of one record under the lock and keeps the
// patterns within the memory budget.
func (p *patternTagger) mine(key []byte, body pcommon.Value, msg string, kind []string, st *stats) (id, template string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	part := p.partition(key, st)
	tokens := kind
	if tokens == nil {
		tokens = p.tokens(body, msg)
		if len(tokens) == 0 {
			tokens = emptyTokens
			st.reasons[reasonEmpty]++
		}
	}
	before, evicted := part.miner.Bytes(), part.miner.Evicted()
	pat, created := part.miner.Match(tokens)
	if created {
		st.created++
	}
	id, template = pat.Hex, pat.Template()
	p.bytes += part.miner.Bytes() - before
	for p.bytes > p.budget && p.shed(part, st) {
	}
	st.evicted += part.miner.Evicted() - evicted
	return id, template
}

// shed forgets something to get back within the budget: the oldest
// pattern of the partition that grew, or, when that is its only pattern,
// the oldest pattern of the least recently used other partition (the
// partition itself once it has none left), so that a new partition costs
// the others a pattern at a time, not all the patterns of one of them.
func (p *patternTagger) shed(part *partition, st *stats) bool {
	if part.miner.Len() > 1 {
		p.evictOldest(part)
		return true
	}
	old := p.oldestPartition(part)
	if old == nil {
		return false
	}
	if old.miner.Len() > 1 {
		p.evictOldest(old)
		st.evicted++ // mine counts only the evictions of part
		return true
	}
	p.dropPartition(old, st)
	return true
}

func (p *patternTagger) evictOldest(part *partition) {
	before := part.miner.Bytes()
	part.miner.EvictOldest()
	p.bytes -= before - part.miner.Bytes()
}

// tokens tokenizes the message of a string body, or the fields of a map
// body. Called under mu: the tokenizer's buffers are shared.
func (p *patternTagger) tokens(body pcommon.Value, msg string) []string {
	if body.Type() != pcommon.ValueTypeMap {
		return p.tokenizer.Tokens(msg)
	}
	t := p.tokenizer
	t.Begin()
	for k, v := range body.Map().All() {
		switch {
		case v.Type() == pcommon.ValueTypeStr && (k == p.cfg.BodyField || miner.IsMessageKey(k)):
			t.Text(strings.ToValidUTF8(v.Str(), "\uFFFD")) // no copy when valid
		default:
			t.Field(k, v.Str(), v.Type() == pcommon.ValueTypeStr)
		}
	}
	return t.End()
}

// stats counts one batch's outcomes for telemetry.
type stats struct {
	tagged, created, evicted, partitionsDropped int
	reasons                                     [numReasons]int
}

func (p *patternTagger) tag(key []byte, lr plog.LogRecord, st *stats) {
	body := lr.Body()
	msg, kind := p.message(body)
	if kind != nil {
		st.reasons[reasonNonString]++
	} else {
		if len(msg) > p.cfg.MaxLineLength {
			st.reasons[reasonTruncated]++
		}
		if !utf8.ValidString(msg) {
			msg = strings.ToValidUTF8(msg, "\uFFFD")
			st.reasons[reasonInvalidUTF8]++
		}
	}
	attrs := lr.Attributes()
	var tb [8]string
	tags := p.matchRules(tb[:0], msg, attrs) // before our attributes are written
	id, template := p.mine(key, body, msg, kind, st)
	st.tagged++
	attrs.EnsureCapacity(attrs.Len() + 2) // one growth for both attributes
	attrs.PutStr(p.cfg.IDAttribute, id)
	attrs.PutStr(p.cfg.TemplateAttribute, template)
	p.writeTags(tags, attrs)
}

// message returns the text rules see: the string body, or the message of
// a map body (body_field, else a "msg" or "message" field; "" when it has
// none); a map body is mined field by field whether it has a message or
// not. Other bodies get the kind of pattern returned.
func (p *patternTagger) message(body pcommon.Value) (string, []string) {
	switch body.Type() {
	case pcommon.ValueTypeStr:
		return body.Str(), nil
	case pcommon.ValueTypeEmpty:
		return "", nil
	case pcommon.ValueTypeMap:
		m := body.Map()
		if v, ok := m.Get(p.cfg.BodyField); ok && v.Type() == pcommon.ValueTypeStr {
			return v.Str(), nil
		}
		for k, v := range m.All() {
			if v.Type() == pcommon.ValueTypeStr && miner.IsMessageKey(k) {
				return v.Str(), nil
			}
		}
		return "", nil
	}
	return "", nonStringTokens[body.Type()]
}

// ours reports whether an attribute is one this processor writes: rules
// never see it, whatever an upstream component put there.
func (p *patternTagger) ours(k string) bool {
	return k == p.cfg.IDAttribute || k == p.cfg.TemplateAttribute || k == p.cfg.TagsAttribute
}

func (p *patternTagger) matchRules(tags []string, msg string, attrs pcommon.Map) []string {
	for i := range p.rules {
		if p.rules[i].matches(msg, attrs, p.ours) {
			tags = append(tags, p.rules[i].name)
		}
	}
	return tags
}

// writeTags replaces the tags attribute: an upstream value never survives.
func (p *patternTagger) writeTags(tags []string, attrs pcommon.Map) {
	if len(tags) == 0 {
		attrs.Remove(p.cfg.TagsAttribute)
		return
	}
	s := attrs.PutEmptySlice(p.cfg.TagsAttribute)
	s.EnsureCapacity(len(tags))
	for _, t := range tags {
		s.AppendEmpty().SetStr(t)
	}
}
