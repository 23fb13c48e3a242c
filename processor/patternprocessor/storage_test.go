package patternprocessor

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelhub/otelhub/processor/patternprocessor/internal/metadata"
)

// memStorage is a storage extension that keeps values in memory across
// processor instances, as file_storage keeps them across restarts.
type memStorage struct {
	component.StartFunc
	component.ShutdownFunc
	mu   sync.Mutex
	data map[string][]byte
}

// GetClient gives each client name its own key space, as file_storage
// gives it its own file; the unnamed client uses the keys as they are.
func (m *memStorage) GetClient(_ context.Context, _ component.Kind, _ component.ID, name string) (storage.Client, error) {
	return memClient{m, name}, nil
}

type memClient struct {
	s    *memStorage
	name string
}

func (c memClient) key(k string) string {
	if c.name == "" {
		return k
	}
	return c.name + "/" + k
}

func (c memClient) Get(_ context.Context, k string) ([]byte, error) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.data[c.key(k)], nil
}

func (c memClient) Set(_ context.Context, k string, v []byte) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.s.data[c.key(k)] = v
	return nil
}

func (c memClient) Delete(_ context.Context, k string) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	delete(c.s.data, c.key(k))
	return nil
}

func (memClient) Batch(context.Context, ...*storage.Operation) error { return nil }
func (memClient) Close(context.Context) error                        { return nil }

type hostWith map[component.ID]component.Component

func (h hostWith) GetExtensions() map[component.ID]component.Component { return h }

var storageID = component.MustNewID("file_storage")

func startWithStorage(t *testing.T, host component.Host) processor.Logs {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.Storage = &storageID
	return startWith(t, cfg, host)
}

func startWith(t *testing.T, cfg *Config, host component.Host) processor.Logs {
	t.Helper()
	p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), host))
	return p
}

func testSettings(tel *componenttest.Telemetry) processor.Settings {
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	return set
}

func nopSink() *consumertest.LogsSink { return new(consumertest.LogsSink) }

// On restore, the most recently used partitions are the ones kept when
// the bound is smaller than what was saved (issue 10, item 10): before,
// the partitions kept were picked in map order, at random.
func TestRestoreKeepsMostRecentPartitions(t *testing.T) {
	host := hostWith{storageID: &memStorage{data: map[string][]byte{}}}
	cfg := createDefaultConfig().(*Config)
	cfg.Storage = &storageID
	first := startWith(t, cfg, host)
	before := map[string]string{}
	for _, svc := range []string{"s0", "s1", "s2", "s3", "s4"} {
		ld := logs(svc, "User alice logged in from 10.0.0.1", "User bob logged in from 10.0.0.2")
		require.NoError(t, first.ConsumeLogs(context.Background(), ld))
		before[svc] = attr(records(ld)[1], "log.pattern.id")
	}
	require.NoError(t, first.ConsumeLogs(context.Background(), logs("s3", "User dave logged in from 10.0.0.4")))
	require.NoError(t, first.Shutdown(context.Background()))

	small := *cfg
	small.MaxPartitions = 2
	second := startWith(t, &small, host)
	defer func() { require.NoError(t, second.Shutdown(context.Background())) }()
	for _, svc := range []string{"s3", "s4", "s0", "s1", "s2"} { // s3, s4: the two most recent
		ld := logs(svc, "User carol logged in from 10.0.0.3")
		require.NoError(t, second.ConsumeLogs(context.Background(), ld))
		if svc == "s3" || svc == "s4" {
			assert.Equal(t, before[svc], attr(records(ld)[0], "log.pattern.id"), svc)
		} else {
			assert.NotEqual(t, before[svc], attr(records(ld)[0], "log.pattern.id"), svc)
		}
	}
}

// Ids keep their meaning across a restart: the restarted processor puts a
// new line of an old pattern under the old id, though that line alone
// would start a pattern of a different id.
func TestPatternsSurviveRestartThroughStorage(t *testing.T) {
	host := hostWith{storageID: &memStorage{data: map[string][]byte{}}}
	first := startWithStorage(t, host)
	before := logs("auth", "User alice logged in from 10.0.0.1", "User bob logged in from 10.0.0.2")
	require.NoError(t, first.ConsumeLogs(context.Background(), before))
	require.NoError(t, first.Shutdown(context.Background()))

	second := startWithStorage(t, host)
	after := logs("auth", "User carol logged in from 10.0.0.3")
	require.NoError(t, second.ConsumeLogs(context.Background(), after))
	require.NoError(t, second.Shutdown(context.Background()))
	assert.Equal(t, attr(records(before)[1], "log.pattern.id"), attr(records(after)[0], "log.pattern.id"))
	assert.Equal(t, "User <*> logged in from <*>", attr(records(after)[0], "log.pattern.template"))

	// Without the saved state, that line starts a pattern of another id.
	fresh := newTestProcessor(t, createDefaultConfig().(*Config), nil)
	alone := logs("auth", "User carol logged in from 10.0.0.3")
	require.NoError(t, fresh.ConsumeLogs(context.Background(), alone))
	assert.NotEqual(t, attr(records(before)[1], "log.pattern.id"), attr(records(alone)[0], "log.pattern.id"))
}

func TestStorageErrors(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Storage = &storageID
	p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.ErrorContains(t, p.Start(context.Background(), componenttest.NewNopHost()), `storage: extension "file_storage" is not configured`)

	host := hostWith{storageID: &memStorage{data: map[string][]byte{stateKey: []byte("{not json")}}}
	q := startWithStorage(t, host) // a corrupt state is ignored
	require.NoError(t, q.ConsumeLogs(context.Background(), logs("s", "hello world")))
	require.NoError(t, q.Shutdown(context.Background()))
}

// Batches from several goroutines and the periodic save run together;
// every record is tagged (run with -race to check the locking).
func TestConcurrentConsumeAndSave(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Storage = &storageID
	cfg.SaveInterval = time.Millisecond
	cfg.MaxPartitions = 3
	p := startWith(t, cfg, hostWith{storageID: &memStorage{data: map[string][]byte{}}})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				ld := logs(fmt.Sprint("svc", (g+i)%5), fmt.Sprintf("worker %d took %dms", g, i), "user alice logged in")
				assert.NoError(t, p.ConsumeLogs(context.Background(), ld))
				for _, lr := range records(ld) {
					assert.Len(t, attr(lr, "log.pattern.id"), 16)
				}
			}
		}()
	}
	wg.Wait()
	require.NoError(t, p.Shutdown(context.Background()))
}
