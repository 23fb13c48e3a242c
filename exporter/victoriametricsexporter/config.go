package victoriametricsexporter

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelhub/otelhub/exporter/victoriametricsexporter/internal/promrw"
)

// Config is the victoriametrics exporter's configuration.
type Config struct {
	// ClientConfig is the HTTP client of the metrics endpoint: endpoint,
	// TLS, headers, timeout. Its endpoint is the VictoriaMetrics single-node
	// URL (http://host:8428) or, with tenant, the vminsert URL.
	confighttp.ClientConfig `mapstructure:",squash"`
	QueueConfig             configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	RetryConfig             configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`

	// Tenant is the cluster tenant, "accountID[:projectID]". When set, metrics
	// go to <endpoint>/insert/<tenant>/prometheus/api/v1/write.
	Tenant string `mapstructure:"tenant"`
	// ExtraLabels are added to every series.
	ExtraLabels map[string]string `mapstructure:"extra_labels"`
	// ResourceToLabels lists resource attributes copied onto every series
	// ("*" for all). job and instance are always set from service.*.
	ResourceToLabels []string `mapstructure:"resource_to_labels"`
	// Namespace prefixes every metric name.
	Namespace string `mapstructure:"namespace"`
	// AddMetricSuffixes adds unit and _total suffixes, as the OTel spec's
	// Prometheus naming rules say.
	AddMetricSuffixes bool `mapstructure:"add_metric_suffixes"`
	// TargetInfo sends a target_info series with each resource's attributes.
	TargetInfo bool `mapstructure:"target_info"`
	// ExponentialHistograms is "buckets" (classic le buckets) or "vmrange"
	// (VictoriaMetrics histogram buckets).
	ExponentialHistograms string `mapstructure:"exponential_histograms"`
	// SendExemplars includes exemplars with sums and histogram buckets.
	SendExemplars bool `mapstructure:"send_exemplars"`
	// RemoteWriteCompression is "snappy" (the protocol's default) or "zstd".
	RemoteWriteCompression string `mapstructure:"remote_write_compression"`
	// Shards is how many requests one batch is split into and sent at once.
	// A series always goes to the same shard, so it is never reordered.
	Shards int `mapstructure:"shards"`
	// DeltaToCumulative bounds the state that turns delta sums and
	// histograms into cumulative series.
	DeltaToCumulative DeltaConfig `mapstructure:"delta_to_cumulative"`
	// Logs sends logs to VictoriaLogs.
	Logs LogsConfig `mapstructure:"logs"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// DeltaConfig bounds the delta-to-cumulative state.
type DeltaConfig struct {
	MaxSeries int           `mapstructure:"max_series"`
	TTL       time.Duration `mapstructure:"ttl"`
}

// LogsConfig is where and how logs go to VictoriaLogs.
type LogsConfig struct {
	// ClientConfig is the HTTP client of the logs endpoint: endpoint (the
	// VictoriaLogs URL, e.g. http://host:9428), TLS, headers, auth,
	// timeout. It is its own: nothing of the metrics endpoint's client, its
	// headers and credentials least of all, is used for logs.
	confighttp.ClientConfig `mapstructure:",squash"`
	// StreamFields are the fields that make a log stream.
	StreamFields []string `mapstructure:"stream_fields"`
	// Tenant is the VictoriaLogs tenant, "accountID[:projectID]".
	Tenant string `mapstructure:"tenant"`
}

var _ component.Config = (*Config)(nil)

var tenantRE = regexp.MustCompile(`^\d+(:\d+)?$`)

// Validate checks the configuration and names the offending field.
func (c *Config) Validate() error {
	var errs []error
	if c.Endpoint == "" && c.Logs.Endpoint == "" {
		errs = append(errs, errors.New("endpoint: must be set (or logs::endpoint, for logs only)"))
	}
	errs = append(errs, checkURL("endpoint", c.Endpoint), checkURL("logs::endpoint", c.Logs.Endpoint))
	if c.Tenant != "" && !tenantRE.MatchString(c.Tenant) {
		errs = append(errs, fmt.Errorf("tenant: %q is not accountID[:projectID]", c.Tenant))
	}
	if c.Logs.Tenant != "" && !tenantRE.MatchString(c.Logs.Tenant) {
		errs = append(errs, fmt.Errorf("logs::tenant: %q is not accountID[:projectID]", c.Logs.Tenant))
	}
	switch c.ExponentialHistograms {
	case promrw.ExpHistogramBuckets, promrw.ExpHistogramVMRange:
	default:
		errs = append(errs, fmt.Errorf("exponential_histograms: %q is not buckets or vmrange", c.ExponentialHistograms))
	}
	switch c.RemoteWriteCompression {
	case "snappy", "zstd":
	default:
		errs = append(errs, fmt.Errorf("remote_write_compression: %q is not snappy or zstd", c.RemoteWriteCompression))
	}
	if c.Compression != "" && c.Compression != "none" {
		errs = append(errs, errors.New("compression: remote write compresses its body itself; use remote_write_compression"))
	}
	if c.Shards < 1 || c.Shards > 256 {
		errs = append(errs, fmt.Errorf("shards: must be 1..256, got %d", c.Shards))
	}
	if c.DeltaToCumulative.MaxSeries < 1 {
		errs = append(errs, fmt.Errorf("delta_to_cumulative::max_series: must be > 0, got %d", c.DeltaToCumulative.MaxSeries))
	}
	if c.DeltaToCumulative.TTL <= 0 {
		errs = append(errs, fmt.Errorf("delta_to_cumulative::ttl: must be > 0, got %s", c.DeltaToCumulative.TTL))
	}
	if c.Logs.Compression != "" && c.Logs.Compression != "none" {
		errs = append(errs, errors.New("logs::compression: the exporter gzips logs itself; leave it unset"))
	}
	if c.Endpoint != "" && !c.QueueConfig.HasValue() {
		// Without a queue exporterhelper retries in the caller's goroutine,
		// so a newer batch from another caller can be sent while an older
		// one waits for its retry: samples out of order, delta totals that
		// depend on timing.
		errs = append(errs, errors.New("sending_queue: must be enabled (with num_consumers 1) for metrics; it keeps every series in order through retries"))
	}
	if q := c.QueueConfig.Get(); q != nil && c.QueueConfig.HasValue() && q.NumConsumers != 1 {
		errs = append(errs, fmt.Errorf("sending_queue::num_consumers: must be 1, got %d; the exporter sends `shards` requests at once itself, in series order", q.NumConsumers))
	}
	if q := c.QueueConfig.Get(); c.Endpoint != "" && q != nil && c.QueueConfig.HasValue() &&
		q.Batch.HasValue() && q.Batch.Get().MaxSize > 0 {
		// exporterhelper splits a request over max_size into several
		// flushes, and its flush timer can send the last part before the
		// others: a delta series' newer points overtake its older ones,
		// which are then dropped as late. Too large requests are split by
		// the exporter itself on 413.
		errs = append(errs, errors.New("sending_queue::batch::max_size: must be unset for metrics; exporterhelper can send the parts of a split batch out of order, which drops delta points as late (the exporter splits on 413 itself)"))
	}
	return errors.Join(errs...)
}

func checkURL(field, s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s: %q is not an http(s) URL", field, s)
	}
	return nil
}
