package patternprocessor

import (
	"context"
	"encoding/json"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.uber.org/zap"

	"github.com/otelhub/otelhub/processor/patternprocessor/internal/miner"
)

// stateKey is where the patterns are kept in the storage extension.
const stateKey = "patterns.v1"

// savedState is the persisted form of every partition's patterns.
type savedState struct {
	Partitions map[string][]miner.Snapshot `json:"partitions"`
}

// start opens the storage client and loads the saved patterns. A state
// that cannot be read is logged and ignored: tagging starts afresh.
func (p *patternTagger) start(ctx context.Context, host component.Host) error {
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
	client, err := se.GetClient(ctx, component.KindProcessor, p.id, "")
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	p.client = client
	raw, err := client.Get(ctx, stateKey)
	if err != nil || raw == nil {
		return err
	}
	var st savedState
	if err := json.Unmarshal(raw, &st); err != nil {
		p.logger.Warn("saved patterns cannot be read; starting afresh", zap.Error(err))
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for key, saved := range st.Partitions {
		part := p.overflow
		if key != overflowKey {
			if len(p.partitions) >= p.cfg.MaxPartitions {
				continue
			}
			part = p.newPartition(key)
			p.partitions[key] = part
		}
		part.miner.Restore(saved)
		n += len(saved)
	}
	p.logger.Info("loaded saved patterns", zap.Int("patterns", n), zap.Int("partitions", len(st.Partitions)))
	return nil
}

// shutdown saves every partition's patterns and closes the client.
func (p *patternTagger) shutdown(ctx context.Context) error {
	if p.client == nil {
		return nil
	}
	p.mu.Lock()
	st := savedState{Partitions: map[string][]miner.Snapshot{overflowKey: p.overflow.miner.Export()}}
	for key, part := range p.partitions {
		st.Partitions[key] = part.miner.Export()
	}
	p.mu.Unlock()
	raw, err := json.Marshal(st)
	if err == nil {
		err = p.client.Set(ctx, stateKey, raw)
	}
	if cerr := p.client.Close(ctx); err == nil {
		err = cerr
	}
	return err
}
