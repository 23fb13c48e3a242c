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
	miner     *miner.Miner
	tokenizer *miner.Tokenizer
}

// patternTagger tags log records with their pattern. Its state is guarded by
// one mutex: mining is a few hundred nanoseconds a record, so a lock per
// batch costs little.
type patternTagger struct {
	cfg    *Config
	rules  []rule
	tel    *telemetry
	id     component.ID
	logger *zap.Logger
	client storage.Client // nil without a storage extension

	mu         sync.Mutex
	partitions map[string]*partition
	overflow   *partition
	key        []byte
	tags       []string
}

// overflowKey names the partition shared past max_partitions.
const overflowKey = "\x00overflow"

func newProcessor(cfg *Config, set processor.Settings, tel *telemetry) *patternTagger {
	p := &patternTagger{cfg: cfg, rules: compileRules(cfg.Rules), tel: tel, id: set.ID, logger: set.Logger,
		partitions: map[string]*partition{}}
	p.overflow = p.newPartition(overflowKey)
	tel.observeActive(p.activePatterns)
	return p
}

func (p *patternTagger) newPartition(key string) *partition {
	return &partition{
		miner:     miner.New(xxhash.Sum64String(key), p.cfg.MaxPatterns),
		tokenizer: miner.NewTokenizer(p.cfg.MaxLineLength),
	}
}

func (p *patternTagger) activePatterns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.overflow.miner.Len()
	for _, part := range p.partitions {
		n += part.miner.Len()
	}
	return n
}

func (p *patternTagger) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var st stats
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		part := p.partition(rl.Resource().Attributes())
		evicted := part.miner.Evicted()
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				p.tag(part, lrs.At(k), &st)
			}
		}
		st.evicted += part.miner.Evicted() - evicted
	}
	p.tel.record(ctx, &st)
	return ld, nil
}

// partition finds the state for a resource, creating it within the bound.
func (p *patternTagger) partition(res pcommon.Map) *partition {
	p.key = p.key[:0]
	for _, a := range p.cfg.PartitionBy {
		if v, ok := res.Get(a); ok {
			p.key = append(p.key, v.AsString()...)
		}
		p.key = append(p.key, 0)
	}
	if part, ok := p.partitions[string(p.key)]; ok {
		return part
	}
	if len(p.partitions) >= p.cfg.MaxPartitions {
		return p.overflow
	}
	key := string(p.key)
	part := p.newPartition(key)
	p.partitions[key] = part
	return part
}

// stats counts one batch's outcomes for telemetry.
type stats struct {
	tagged, created, evicted int
	reasons                  [numReasons]int
}

func (p *patternTagger) tag(part *partition, lr plog.LogRecord, st *stats) {
	msg, kind := p.message(lr.Body())
	var tokens []string
	switch {
	case kind != nil:
		tokens = kind
		st.reasons[reasonNonString]++
	default:
		if len(msg) > p.cfg.MaxLineLength {
			st.reasons[reasonTruncated]++
		}
		if !utf8.ValidString(msg) {
			msg = strings.ToValidUTF8(msg, "\uFFFD")
			st.reasons[reasonInvalidUTF8]++
		}
		tokens = part.tokenizer.Tokens(msg)
		if len(tokens) == 0 {
			tokens = emptyTokens
			st.reasons[reasonEmpty]++
		}
	}
	pat, created := part.miner.Match(tokens)
	if created {
		st.created++
	}
	st.tagged++
	attrs := lr.Attributes()
	attrs.EnsureCapacity(attrs.Len() + 2) // one growth for both attributes
	attrs.PutStr(p.cfg.IDAttribute, pat.Hex)
	attrs.PutStr(p.cfg.TemplateAttribute, pat.Template())
	if len(p.rules) > 0 {
		p.applyRules(msg, attrs)
	}
}

// message returns the text to mine: the string body, or the configured
// field of a map body; otherwise the kind of pattern the record gets.
func (p *patternTagger) message(body pcommon.Value) (string, []string) {
	switch body.Type() {
	case pcommon.ValueTypeStr:
		return body.Str(), nil
	case pcommon.ValueTypeEmpty:
		return "", nil
	case pcommon.ValueTypeMap:
		if v, ok := body.Map().Get(p.cfg.BodyField); ok && v.Type() == pcommon.ValueTypeStr {
			return v.Str(), nil
		}
	}
	return "", nonStringTokens[body.Type()]
}

func (p *patternTagger) applyRules(msg string, attrs pcommon.Map) {
	p.tags = p.tags[:0]
	for i := range p.rules {
		if p.rules[i].matches(msg, attrs) {
			p.tags = append(p.tags, p.rules[i].name)
		}
	}
	if len(p.tags) == 0 {
		return
	}
	s := attrs.PutEmptySlice(p.cfg.TagsAttribute)
	s.EnsureCapacity(len(p.tags))
	for _, t := range p.tags {
		s.AppendEmpty().SetStr(t)
	}
}
