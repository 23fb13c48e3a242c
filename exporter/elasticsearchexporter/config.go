package elasticsearchexporter

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelhub/otelhub/exporter/elasticsearchexporter/internal/esbulk"
)

// Config is the elasticsearch exporter's configuration.
type Config struct {
	// ClientConfig is the HTTP client: endpoint (one node's URL), TLS,
	// headers, timeout, compression (gzip or none).
	confighttp.ClientConfig `mapstructure:",squash"`
	QueueConfig             configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	RetryConfig             configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`

	// Endpoints are more node URLs, beside endpoint; requests go round
	// robin over the live ones.
	Endpoints []string `mapstructure:"endpoints"`
	// User and Password are basic authentication credentials.
	User     string              `mapstructure:"user"`
	Password configopaque.String `mapstructure:"password"`
	// APIKey is an Elasticsearch API key (the base64 "id:key" form).
	APIKey configopaque.String `mapstructure:"api_key"`
	// Discovery finds the cluster's other nodes through _nodes/http.
	Discovery DiscoveryConfig `mapstructure:"discovery"`

	// Mapping sets the shape of documents.
	Mapping MappingConfig `mapstructure:"mapping"`
	// Routing sets where documents go.
	Routing RoutingConfig `mapstructure:"routing"`
	// Pipeline is the ingest pipeline documents go through, when set.
	Pipeline string `mapstructure:"pipeline"`
	// DocumentIDAttribute names the log record or span attribute whose
	// value becomes the document _id, so a retry after a lost answer is
	// answered 409 instead of writing the document twice.
	DocumentIDAttribute string `mapstructure:"document_id_attribute"`
	// Flush bounds bulk requests.
	Flush FlushConfig `mapstructure:"flush"`
	// NumWorkers is how many bulk requests one batch sends at once.
	NumWorkers int `mapstructure:"num_workers"`
	// DeadLetterIndex receives, when set, the documents Elasticsearch
	// refused for good (mapping errors), with the error.
	DeadLetterIndex string `mapstructure:"dead_letter_index"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// DiscoveryConfig is node discovery.
type DiscoveryConfig struct {
	OnStart  bool          `mapstructure:"on_start"`
	Interval time.Duration `mapstructure:"interval"`
}

// MappingConfig is the document shape.
type MappingConfig struct {
	// Mode is otel (the default), ecs or raw.
	Mode string `mapstructure:"mode"`
}

// RoutingConfig is where documents go.
type RoutingConfig struct {
	// Mode is data_stream (the default), index or date_index.
	Mode string `mapstructure:"mode"`
	// Dataset and Namespace are the data stream defaults when records do
	// not set data_stream.dataset or data_stream.namespace.
	Dataset   string `mapstructure:"dataset"`
	Namespace string `mapstructure:"namespace"`
	// LogsIndex, TracesIndex and MetricsIndex are the indices of the index
	// and date_index modes.
	LogsIndex    string `mapstructure:"logs_index"`
	TracesIndex  string `mapstructure:"traces_index"`
	MetricsIndex string `mapstructure:"metrics_index"`
	// DateFormat is the Go time layout of the date_index suffix.
	DateFormat string `mapstructure:"date_format"`
}

// FlushConfig bounds bulk requests.
type FlushConfig struct {
	// Bytes is the most uncompressed bytes in one bulk request.
	Bytes int `mapstructure:"bytes"`
	// Interval, when set, is the batch flush timeout
	// (sending_queue::batch::flush_timeout).
	Interval time.Duration `mapstructure:"interval"`
}

var _ component.Config = (*Config)(nil)

// Validate checks the configuration and names the offending field.
func (c *Config) Validate() error {
	var errs []error
	if len(c.urls()) == 0 {
		errs = append(errs, errors.New("endpoint: must be set (or endpoints)"))
	}
	for _, u := range c.urls() {
		errs = append(errs, checkURL(u))
	}
	switch c.Mapping.Mode {
	case esbulk.ModeOTel, esbulk.ModeECS, esbulk.ModeRaw:
	default:
		errs = append(errs, fmt.Errorf("mapping::mode: %q is not otel, ecs or raw", c.Mapping.Mode))
	}
	switch c.Routing.Mode {
	case esbulk.RouteDataStream:
	case esbulk.RouteIndex, esbulk.RouteDateIndex:
		if c.Routing.LogsIndex == "" && c.Routing.TracesIndex == "" && c.Routing.MetricsIndex == "" {
			errs = append(errs, fmt.Errorf("routing::logs_index, traces_index or metrics_index: one must be set for routing::mode %s", c.Routing.Mode))
		}
		for _, ix := range [][2]string{{"logs_index", c.Routing.LogsIndex},
			{"traces_index", c.Routing.TracesIndex}, {"metrics_index", c.Routing.MetricsIndex}} {
			if ix[1] != "" {
				errs = append(errs, checkIndexName("routing::"+ix[0], ix[1]))
			}
		}
		if c.Routing.Mode == esbulk.RouteDateIndex {
			errs = append(errs, c.checkDateFormat())
		}
	default:
		errs = append(errs, fmt.Errorf("routing::mode: %q is not data_stream, index or date_index", c.Routing.Mode))
	}
	if c.Flush.Bytes < 1024 {
		errs = append(errs, fmt.Errorf("flush::bytes: must be at least 1024, got %d", c.Flush.Bytes))
	}
	if c.Flush.Interval < 0 {
		errs = append(errs, fmt.Errorf("flush::interval: must not be negative, got %s", c.Flush.Interval))
	}
	if c.NumWorkers < 1 {
		errs = append(errs, fmt.Errorf("num_workers: must be > 0, got %d", c.NumWorkers))
	}
	switch c.Compression {
	case "", "none", "gzip":
	default:
		errs = append(errs, fmt.Errorf("compression: %q is not gzip or none", c.Compression))
	}
	if c.DeadLetterIndex != "" {
		errs = append(errs, checkIndexName("dead_letter_index", c.DeadLetterIndex))
	}
	if c.APIKey != "" && (c.User != "" || c.Password != "") {
		errs = append(errs, errors.New("api_key: cannot be combined with user and password"))
	}
	return errors.Join(errs...)
}

// urls is endpoint and endpoints, without duplicates.
func (c *Config) urls() []string {
	var out []string
	for _, u := range append([]string{c.Endpoint}, c.Endpoints...) {
		if u != "" && !contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("endpoint: %q is not an http(s) URL", s)
	}
	if strings.HasSuffix(u.Path, "/_bulk") {
		return fmt.Errorf("endpoint: %q: give the base URL; the exporter adds /_bulk", s)
	}
	return nil
}

func (c *Config) bulkOptions() esbulk.Options {
	return esbulk.Options{
		Mode: c.Mapping.Mode, Route: c.Routing.Mode,
		Dataset: c.Routing.Dataset, Namespace: c.Routing.Namespace,
		LogsIndex: c.Routing.LogsIndex, TracesIndex: c.Routing.TracesIndex, MetricsIndex: c.Routing.MetricsIndex,
		DateFormat: c.Routing.DateFormat, Pipeline: c.Pipeline, IDAttribute: c.DocumentIDAttribute,
	}
}

// checkIndexName refuses what Elasticsearch refuses in an index name
// (invalid_index_name_exception): upper case, \ / * ? " < > | space , #,
// a leading - _ +, more than 255 bytes.
func checkIndexName(field, name string) error {
	if name != strings.ToLower(name) || strings.ContainsAny(name, `\/*?"<>| ,#:`) ||
		strings.IndexAny(name[:1], "-_+") == 0 || len(name) > 255 || name == "." || name == ".." {
		return fmt.Errorf("%s: %q is not a valid index name (lower case, none of \\ / * ? \" < > | space , # :, not starting with - _ +)", field, name)
	}
	return nil
}

// checkDateFormat checks that date_format gives valid index names.
func (c *Config) checkDateFormat() error {
	if c.Routing.DateFormat == "" {
		return errors.New("routing::date_format: must be set for routing::mode date_index")
	}
	base := cmp.Or(c.Routing.LogsIndex, c.Routing.TracesIndex, c.Routing.MetricsIndex)
	sample := base + "-" + time.Date(2026, 11, 27, 13, 4, 5, 0, time.UTC).Format(c.Routing.DateFormat)
	if checkIndexName("", sample) != nil {
		return fmt.Errorf("routing::date_format: %q gives index names like %q, which Elasticsearch refuses", c.Routing.DateFormat, sample)
	}
	return nil
}

// checkSignalIndex refuses to route a signal to an empty index name.
func (c *Config) checkSignalIndex(signal string) error {
	if c.Routing.Mode != esbulk.RouteIndex && c.Routing.Mode != esbulk.RouteDateIndex {
		return nil
	}
	idx := map[string]string{"logs": c.Routing.LogsIndex, "traces": c.Routing.TracesIndex, "metrics": c.Routing.MetricsIndex}[signal]
	if idx == "" {
		return fmt.Errorf("routing::%s_index: must be set to export %s with routing::mode %s", signal, signal, c.Routing.Mode)
	}
	return nil
}
