package victoriametricsexporter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
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

// shard is one slice of a batch, its reusable buffers and the outcome of
// its last send.
type shard struct {
	idx      []int32
	raw      []byte
	body     []byte
	retry    []int32 // series that failed with a retryable error
	retryErr []error
	rejected int     // series the server refused for good
	reject   []error // their reasons, unwrapped from consumererror.Permanent
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

// push sends md. The series of the data points that fail with a retryable
// error go back to exporterhelper as the subset of md they came from, and
// the delta totals of those points are not kept, so that the retry carries
// the same values and never sends again what arrived. Points the server
// refuses for good are counted and dropped.
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
		s.retry, s.retryErr, s.rejected, s.reject = s.retry[:0], s.retryErr[:0], 0, s.reject[:0]
		if len(s.idx) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.sendShard(ctx, s, s.idx)
		}()
	}
	wg.Wait()
	return e.outcome(md)
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

// sendShard marshals, compresses and posts the given series and records
// in s what did not arrive. On 413 it splits them in two by data point and
// sends each half, so a retry carries only what did not arrive; a single
// data point still too large is refused for good.
func (e *metricsExporter) sendShard(ctx context.Context, s *shard, idx []int32) {
	s.raw = e.batch.Marshal(s.raw[:0], idx)
	s.body = e.compress(s.body[:0], s.raw)
	err := post(ctx, e.client, e.url, s.body, e.header.Clone())
	switch {
	case err == nil:
		e.tel.recordSent(ctx, len(idx), len(s.body))
	case errors.Is(err, errTooLarge):
		left, right := e.splitPoints(idx)
		if len(right) == 0 {
			e.refuse(ctx, s, len(idx), &rejectedError{code: http.StatusRequestEntityTooLarge,
				reason: "one data point is over the server's request limit"})
			return
		}
		e.sendShard(ctx, s, left)
		e.sendShard(ctx, s, right)
	case consumererror.IsPermanent(err):
		var re *rejectedError
		if errors.As(err, &re) {
			err = re
		}
		e.refuse(ctx, s, len(idx), err)
	default:
		s.retry = append(s.retry, idx...)
		s.retryErr = append(s.retryErr, err)
	}
}

func (e *metricsExporter) refuse(ctx context.Context, s *shard, n int, err error) {
	s.rejected += n
	s.reject = append(s.reject, err)
	e.tel.recordRejected(ctx, n, err)
}

// splitPoints divides idx in two by data point: the series of the first
// half of its data points go left, the others right. A point's series are
// not always contiguous (a later point of a series joins the series'
// earlier TimeSeries, and with exemplars each point has its own), so the
// split goes by point key, never by position: no data point, and so no
// series, straddles the two halves. Only the 413 path uses it.
func (e *metricsExporter) splitPoints(idx []int32) (left, right []int32) {
	rank := map[uint64]int{}
	for _, i := range idx {
		k := e.batch.Series[i].Shard
		if _, ok := rank[k]; !ok {
			rank[k] = len(rank)
		}
	}
	if len(rank) < 2 {
		return idx, nil
	}
	half := len(rank) / 2
	for _, i := range idx {
		if rank[e.batch.Series[i].Shard] < half {
			left = append(left, i)
		} else {
			right = append(right, i)
		}
	}
	return left, right
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

// outcome folds the shard results into one error for exporterhelper and
// settles the delta totals: kept for every point but those sent back for a
// retry.
//   - all arrived: nil;
//   - some refused for good, none to retry: a permanent error (once
//     wrapped), so exporterhelper does not count the request as sent;
//   - some to retry: the retryable error with the subset of md to retry
//     (md itself when no series arrived or was refused and the encoder
//     dropped no point).
func (e *metricsExporter) outcome(md pmetric.Metrics) error {
	var retryErrs, rejectErrs []error
	retrying, rejected := 0, 0
	for i := range e.shards {
		s := &e.shards[i]
		retryErrs = append(retryErrs, s.retryErr...)
		rejectErrs = append(rejectErrs, s.reject...)
		retrying += len(s.retry)
		rejected += s.rejected
	}
	var refused error
	if rejected > 0 {
		refused = fmt.Errorf("%d of %d series refused for good: %w", rejected, len(e.batch.Series), errors.Join(rejectErrs...))
		e.set.Logger.Warn("victoriametrics refused series; they are dropped", errField(refused))
	}
	if retrying == 0 {
		e.enc.Settle(nil)
		if refused != nil {
			return consumererror.NewPermanent(refused)
		}
		return nil
	}
	failed := make(map[uint64]bool, retrying) // made only on failure
	for i := range e.shards {
		for _, j := range e.shards[i].retry {
			failed[e.batch.Series[j].Shard] = true
		}
	}
	retry := func(key uint64) bool { return failed[key] }
	e.enc.Settle(retry)
	err := errors.Join(retryErrs...)
	dropped := slices.ContainsFunc(e.batch.PointKeys, func(key uint64) bool { return !failed[key] })
	if retrying == len(e.batch.Series) && !dropped {
		return err // nothing arrived, nothing was dropped: retry md as it is
	}
	// Points the encoder dropped stay out of the retry, so that they are
	// counted once, not once per attempt.
	return consumererror.NewMetrics(err, filterPoints(md, e.batch.PointKeys, retry))
}

// String names the exporter in logs.
func (e *metricsExporter) String() string { return fmt.Sprintf("victoriametrics(%s)", e.url) }
