package victoriametricsexporter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang/snappy"
	"github.com/klauspost/compress/zstd"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/promrw"
)

// metricsExporter encodes a batch once, splits it into shards by data point
// identity and sends the shards at once. One push runs at a time, so the
// samples of a series always leave in order.
type metricsExporter struct {
	cfg     *Config
	set     exporter.Settings
	url     string
	header  http.Header
	client  *http.Client
	tel     *telemetry
	deltas  *promrw.DeltaState
	zstdEnc *zstd.Encoder
	mu      sync.Mutex
	enc     *promrw.Encoder
	batch   promrw.Batch
	shards  []shard
}

// shard is one slice of a batch and its reusable buffers.
type shard struct {
	idx    []int32
	raw    []byte
	body   []byte
	err    error   // outcome of the last send
	unsent []int32 // series the last send did not deliver (all of idx, or a split's remainder)
}

func newMetricsExporter(cfg *Config, set exporter.Settings, tel *telemetry) (*metricsExporter, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("endpoint: must be set to export metrics")
	}
	deltas := promrw.NewDeltaState(cfg.DeltaToCumulative.MaxSeries, cfg.DeltaToCumulative.TTL)
	e := &metricsExporter{
		cfg: cfg, set: set, tel: tel, deltas: deltas,
		url:    metricsURL(cfg.Endpoint, cfg.Tenant),
		header: http.Header{},
		enc: promrw.NewEncoder(promrw.Options{
			Namespace: cfg.Namespace, AddMetricSuffixes: cfg.AddMetricSuffixes, ExtraLabels: cfg.ExtraLabels,
			ResourceToLabels: cfg.ResourceToLabels, TargetInfo: cfg.TargetInfo,
			ExpHistogramMode: cfg.ExponentialHistograms, Exemplars: cfg.SendExemplars,
		}, deltas),
		shards: make([]shard, cfg.Shards),
	}
	e.header.Set("Content-Type", "application/x-protobuf")
	e.header.Set("Content-Encoding", cfg.RemoteWriteCompression)
	e.header.Set("X-Prometheus-Remote-Write-Version", "0.1.0")
	e.header.Set("User-Agent", "otelhub/"+set.BuildInfo.Version)
	if cfg.RemoteWriteCompression == "zstd" {
		z, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		e.zstdEnc = z
	}
	tel.observeDeltaSeries(deltas.Len)
	return e, nil
}

// metricsURL is the remote write URL: single-node, or vminsert with a tenant.
// An endpoint that already has a path is used as it is.
func metricsURL(endpoint, tenant string) string {
	base := strings.TrimSuffix(endpoint, "/")
	if i := strings.Index(base, "://"); i >= 0 && strings.Contains(base[i+3:], "/") {
		return endpoint
	}
	if tenant != "" {
		return base + "/insert/" + tenant + "/prometheus/api/v1/write"
	}
	return base + "/api/v1/write"
}

func (e *metricsExporter) start(ctx context.Context, host component.Host) error {
	client, err := e.cfg.ToClient(ctx, host.GetExtensions(), e.set.TelemetrySettings)
	if err != nil {
		return err
	}
	e.client = client
	return nil
}

func (e *metricsExporter) shutdown(context.Context) error {
	if e.zstdEnc != nil {
		return e.zstdEnc.Close()
	}
	return nil
}

// push sends md. Shards that fail with a retryable error come back to
// exporterhelper as the subset of md they carried, so a retry never sends
// again what already arrived; shards the server refuses for good are
// counted and dropped.
func (e *metricsExporter) push(ctx context.Context, md pmetric.Metrics) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.batch.Reset()
	drops := e.enc.Encode(md, &e.batch, time.Now())
	e.tel.recordDrops(ctx, drops)
	e.split()

	var wg sync.WaitGroup
	for i := range e.shards {
		s := &e.shards[i]
		s.err, s.unsent = nil, nil
		if len(s.idx) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.unsent, s.err = e.sendShard(ctx, s, s.idx)
		}()
	}
	wg.Wait()
	return e.outcome(ctx, md)
}

// split assigns each series to the shard of its data point.
func (e *metricsExporter) split() {
	n := uint64(len(e.shards))
	for i := range e.shards {
		e.shards[i].idx = e.shards[i].idx[:0]
	}
	for i := range e.batch.Series {
		s := &e.shards[e.batch.Series[i].Shard%n]
		s.idx = append(s.idx, int32(i))
	}
}

// sendShard marshals, compresses and posts the given series, and returns
// the series it did not deliver. On 413 it splits them in two, at a data
// point boundary, and sends each half: a retry then carries only what did
// not arrive.
func (e *metricsExporter) sendShard(ctx context.Context, s *shard, idx []int32) ([]int32, error) {
	s.raw = e.batch.Marshal(s.raw[:0], idx)
	s.body = e.compress(s.body[:0], s.raw)
	err := post(ctx, e.client, e.url, s.body, e.header.Clone())
	if err == nil {
		e.tel.recordSent(ctx, len(idx), len(s.body))
		return nil, nil
	}
	if !errors.Is(err, errTooLarge) {
		return idx, err
	}
	half := e.pointBoundary(idx)
	if half == 0 {
		return idx, consumererror.NewPermanent(&rejectedError{code: http.StatusRequestEntityTooLarge,
			reason: "one data point is over the server's request limit"})
	}
	left, right := append([]int32(nil), idx[:half]...), append([]int32(nil), idx[half:]...)
	if unsent, err := e.sendShard(ctx, s, left); err != nil {
		return append(unsent, right...), err
	}
	return e.sendShard(ctx, s, right)
}

// pointBoundary returns an index near the middle of idx where one data
// point's series end and the next one's begin (a point's series are
// contiguous), or 0 when idx holds one point only.
func (e *metricsExporter) pointBoundary(idx []int32) int {
	key := func(i int) uint64 { return e.batch.Series[idx[i]].Shard }
	for h := len(idx) / 2; h < len(idx); h++ {
		if h > 0 && key(h) != key(h-1) {
			return h
		}
	}
	for h := len(idx)/2 - 1; h > 0; h-- {
		if key(h) != key(h-1) {
			return h
		}
	}
	return 0
}

func (e *metricsExporter) compress(dst, src []byte) []byte {
	if e.zstdEnc != nil {
		return e.zstdEnc.EncodeAll(src, dst)
	}
	// snappy allocates unless dst has room for the worst case.
	n := snappy.MaxEncodedLen(len(src))
	if cap(dst) < n {
		dst = make([]byte, n)
	}
	return snappy.Encode(dst[:n], src)
}

// outcome folds the shard results into one error for exporterhelper.
func (e *metricsExporter) outcome(ctx context.Context, md pmetric.Metrics) error {
	var retry, permanent []error
	var failed map[uint64]bool // data points to retry; made only on failure
	whole := 0                 // shards that delivered nothing
	for i := range e.shards {
		s := &e.shards[i]
		switch {
		case s.err == nil:
			continue
		case consumererror.IsPermanent(s.err):
			permanent = append(permanent, s.err)
			e.tel.recordRejected(ctx, len(s.unsent), s.err)
		default:
			retry = append(retry, s.err)
			if failed == nil {
				failed = map[uint64]bool{}
			}
			for _, j := range s.unsent {
				failed[e.batch.Series[j].Shard] = true
			}
		}
		if len(s.unsent) == len(s.idx) {
			whole++
		}
	}
	if len(permanent) > 0 {
		e.set.Logger.Warn("victoriametrics rejected series; they are dropped", errField(errors.Join(permanent...)))
	}
	if len(retry) == 0 {
		if len(permanent) > 0 && len(permanent) == e.usedShards() && whole == len(permanent) {
			return consumererror.NewPermanent(errors.Join(permanent...))
		}
		return nil
	}
	err := errors.Join(retry...)
	if len(retry) == e.usedShards() && whole == len(retry) {
		return err // everything failed: retry the request as it is
	}
	subset := filterPoints(md, e.batch.PointKeys, func(key uint64) bool { return failed[key] })
	return consumererror.NewMetrics(err, subset)
}

func (e *metricsExporter) usedShards() int {
	n := 0
	for i := range e.shards {
		if len(e.shards[i].idx) > 0 {
			n++
		}
	}
	return n
}

// String names the exporter in logs.
func (e *metricsExporter) String() string { return fmt.Sprintf("victoriametrics(%s)", e.url) }
