package patternprocessor

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.uber.org/zap"

	"github.com/otelhub/otelhub/processor/patternprocessor/internal/miner"
)

// stateKey is where the patterns are kept in the storage client of this
// processor instance.
const stateKey = "patterns.v2"

// savedState is the persisted form of the partitions, most recently used
// first, so that a restore within a smaller bound keeps the freshest.
type savedState struct {
	Partitions []savedPartition `json:"partitions"`
}

type savedPartition struct {
	Key      string           `json:"key"`
	Patterns []miner.Snapshot `json:"patterns"`
}

// start opens the storage client of this pipeline's instance, loads the
// saved patterns and starts the periodic save. A state that cannot be
// read is logged and ignored: tagging starts afresh.
func (p *patternTagger) start(ctx context.Context, host component.Host) error {
	if err := p.tel.observe(p.usage); err != nil {
		return err
	}
	if p.cfg.Storage == nil {
		return nil
	}
	ext, ok := host.GetExtensions()[*p.cfg.Storage]
	if !ok {
		return fmt.Errorf("storage: extension %q is not configured", p.cfg.Storage)
	}
	se, ok := ext.(storage.Extension)
	if !ok {
		return fmt.Errorf("storage: extension %q is not a storage extension", p.cfg.Storage)
	}
	// Each pipeline has its own instance of this processor: the client
	// name keeps their states apart.
	if err := p.claim(); err != nil {
		return err
	}
	client, err := se.GetClient(ctx, component.KindProcessor, p.id, p.instance)
	if err != nil {
		p.release()
		return fmt.Errorf("storage: %w", err)
	}
	p.client = client
	raw, err := client.Get(ctx, stateKey)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	if raw != nil {
		p.restore(raw)
	}
	if p.cfg.SaveInterval > 0 {
		p.stopSave, p.saveDone = make(chan struct{}), make(chan struct{})
		go p.saveEvery(p.cfg.SaveInterval)
	}
	return nil
}

// claimed are the states held by running instances. The pipeline name
// is read from the collector's logger (see pipelineOf); when it cannot be
// read, two instances of one processor would share a state and the last
// to save would overwrite the other's, so the second is refused.
var claimed = struct {
	sync.Mutex
	keys map[string]bool
}{keys: map[string]bool{}}

func (p *patternTagger) stateName() string {
	return p.cfg.Storage.String() + "\x00" + p.id.String() + "\x00" + p.instance
}

func (p *patternTagger) claim() error {
	claimed.Lock()
	defer claimed.Unlock()
	if claimed.keys[p.stateName()] {
		return fmt.Errorf("storage: another running instance of processor %q keeps its patterns in %q under the same name "+
			"(pipeline %q): give each pipeline its own processor id, e.g. %s/a and %s/b", p.id, p.cfg.Storage, p.instance, p.id.Type(), p.id.Type())
	}
	claimed.keys[p.stateName()] = true
	p.claimedState = true
	return nil
}

func (p *patternTagger) release() {
	if !p.claimedState {
		return
	}
	claimed.Lock()
	delete(claimed.keys, p.stateName())
	claimed.Unlock()
	p.claimedState = false
}

func (p *patternTagger) restore(raw []byte) {
	var st savedState
	if err := json.Unmarshal(raw, &st); err != nil {
		p.logger.Warn("saved patterns cannot be read; starting afresh", zap.Error(err))
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n, kept := 0, 0
	// Oldest first, so that the clock gives the most recent the highest
	// value; only the most recent max_partitions are kept.
	skip := max(0, len(st.Partitions)-p.cfg.MaxPartitions)
	for i := len(st.Partitions) - 1 - skip; i >= 0; i-- {
		sp := st.Partitions[i]
		part := p.newPartition(sp.Key)
		p.clock++
		part.lastUsed = p.clock
		part.miner.Restore(sp.Patterns)
		p.bytes += part.miner.Bytes()
		n += part.miner.Len()
		kept++
	}
	var st0 stats
	for p.bytes > p.budget && len(p.partitions) > 0 {
		p.dropPartition(p.oldestPartition(nil), &st0)
	}
	p.logger.Info("loaded saved patterns", zap.Int("patterns", n), zap.Int("partitions", kept),
		zap.Int("partitions_saved", len(st.Partitions)))
}

// snapshot encodes every partition, most recently used first.
func (p *patternTagger) snapshot() ([]byte, error) {
	p.mu.Lock()
	parts := make([]*partition, 0, len(p.partitions))
	for _, part := range p.partitions {
		parts = append(parts, part)
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].lastUsed > parts[j].lastUsed })
	st := savedState{Partitions: make([]savedPartition, len(parts))}
	for i, part := range parts {
		st.Partitions[i] = savedPartition{Key: part.key, Patterns: part.miner.Export()}
	}
	p.mu.Unlock()
	return json.Marshal(st) // outside the lock: the snapshots are copies
}

func (p *patternTagger) save(ctx context.Context) error {
	raw, err := p.snapshot()
	if err != nil {
		return err
	}
	return p.client.Set(ctx, stateKey, raw)
}

// saveEvery saves the patterns every interval, so that a crash loses at
// most one interval of learning.
func (p *patternTagger) saveEvery(interval time.Duration) {
	defer close(p.saveDone)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-p.stopSave:
			return
		case <-t.C:
			if err := p.save(context.Background()); err != nil {
				p.logger.Warn("saving patterns failed", zap.Error(err))
			}
		}
	}
}

// shutdown stops the gauges and the periodic save, saves every partition's
// patterns and closes the client.
func (p *patternTagger) shutdown(ctx context.Context) error {
	p.tel.stop()
	if p.client == nil {
		return nil
	}
	if p.stopSave != nil {
		close(p.stopSave)
		<-p.saveDone
	}
	err := p.save(ctx)
	if cerr := p.client.Close(ctx); err == nil {
		err = cerr
	}
	p.release()
	return err
}
