package clickhouseexporter

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/config/configtls"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

// Config is the clickhouse exporter's configuration.
type Config struct {
	// Endpoint is one or more servers: tcp://h1:9000[,h2:9000] (or
	// clickhouse://) for the native protocol, http(s)://h:8123 for HTTP.
	Endpoint string `mapstructure:"endpoint"`
	// Username and Password authenticate; the password is a secret.
	Username string              `mapstructure:"username"`
	Password configopaque.String `mapstructure:"password"`
	// Database holds the tables; it is created with create_schema.
	Database string `mapstructure:"database"`
	// TLS of the connection; off unless set (or https://).
	TLS configoptional.Optional[configtls.ClientConfig] `mapstructure:"tls"`
	// Compression is lz4, zstd or none; over HTTP also gzip.
	Compression string `mapstructure:"compression"`
	// ConnectionOpenStrategy picks the host of a new connection among
	// several: in_order (first that answers), round_robin or random.
	ConnectionOpenStrategy string `mapstructure:"connection_open_strategy"`
	// DialTimeout bounds connecting to a server.
	DialTimeout time.Duration `mapstructure:"dial_timeout"`
	// MaxOpenConns bounds the connections to the servers.
	MaxOpenConns int `mapstructure:"max_open_conns"`
	// AsyncInsert lets the server buffer small inserts (async_insert=1,
	// wait_for_async_insert=1: an insert returns once it is stored).
	AsyncInsert bool `mapstructure:"async_insert"`
	// InsertDeduplicationToken sends a digest of each insert as
	// insert_deduplication_token, so that a retried insert is stored once.
	InsertDeduplicationToken bool `mapstructure:"insert_deduplication_token"`

	// CreateSchema creates the database and the tables, and adds missing
	// optional columns to existing tables.
	CreateSchema bool `mapstructure:"create_schema"`
	// TTL drops rows this long after their time; 0 keeps them.
	TTL time.Duration `mapstructure:"ttl"`
	// ClusterName runs the DDL ON CLUSTER.
	ClusterName string `mapstructure:"cluster_name"`
	// TableEngine is the tables' engine, e.g. MergeTree or
	// ReplicatedMergeTree (with its parameters, if any).
	TableEngine string `mapstructure:"table_engine"`
	// DeduplicationWindow is non_replicated_deduplication_window of plain
	// MergeTree tables: how many recent inserts a retry is checked against.
	DeduplicationWindow int `mapstructure:"deduplication_window"`
	// LogsTableName, TracesTableName and MetricsTableName name the tables;
	// the metrics tables are MetricsTableName + _gauge, _sum, ...
	LogsTableName    string `mapstructure:"logs_table_name"`
	TracesTableName  string `mapstructure:"traces_table_name"`
	MetricsTableName string `mapstructure:"metrics_table_name"`

	exporterhelper.TimeoutConfig `mapstructure:",squash"`
	QueueConfig                  configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	RetryConfig                  configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

// Validate checks the configuration and names the offending field.
func (c *Config) Validate() error {
	var errs []error
	ep, err := parseEndpoint(c.Endpoint)
	if err != nil {
		errs = append(errs, err)
	}
	// configtls's insecure means "no TLS": with https:// the client would
	// verify against the system's roots anyway, with secure=true on tcp://
	// it would speak plain text. Neither is what the two settings say.
	if t := c.TLS.Get(); err == nil && ep.secure && c.TLS.HasValue() && t.Insecure {
		errs = append(errs, errors.New("tls::insecure: true turns TLS off, but the endpoint asks for TLS (https:// or secure=true); use tls::insecure_skip_verify to skip the certificate check"))
	}
	switch c.Compression {
	case "lz4", "zstd", "none", "":
	case "gzip":
		if err == nil && !ep.http {
			errs = append(errs, errors.New("compression: gzip is for http(s) endpoints; use lz4 or zstd"))
		}
	default:
		errs = append(errs, fmt.Errorf("compression: %q is not lz4, zstd, gzip or none", c.Compression))
	}
	switch c.ConnectionOpenStrategy {
	case "in_order", "round_robin", "random":
	default:
		errs = append(errs, fmt.Errorf("connection_open_strategy: %q is not in_order, round_robin or random", c.ConnectionOpenStrategy))
	}
	for field, v := range map[string]string{"database": c.Database, "logs_table_name": c.LogsTableName,
		"traces_table_name": c.TracesTableName, "metrics_table_name": c.MetricsTableName} {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s: must be set", field))
		}
	}
	if c.TableEngine == "" {
		errs = append(errs, errors.New("table_engine: must be set, e.g. MergeTree"))
	}
	if c.TTL < 0 || (c.TTL > 0 && c.TTL < time.Second) {
		errs = append(errs, fmt.Errorf("ttl: must be 0 (keep) or at least 1s, got %s", c.TTL))
	}
	if c.DeduplicationWindow < 0 {
		errs = append(errs, fmt.Errorf("deduplication_window: must be >= 0, got %d", c.DeduplicationWindow))
	}
	if c.MaxOpenConns < 1 {
		errs = append(errs, fmt.Errorf("max_open_conns: must be > 0, got %d", c.MaxOpenConns))
	}
	return errors.Join(errs...)
}

// endpoint is a parsed Endpoint.
type endpoint struct {
	hosts  []string
	http   bool
	secure bool // https, or secure=true in the query
}

func parseEndpoint(s string) (endpoint, error) {
	// contrib's DSN takes user:password@host. Here such an endpoint would
	// be dialled as a host name, and the password would end up in errors
	// and logs; refuse it without repeating it.
	if strings.Contains(s, "@") {
		return endpoint{}, errors.New("endpoint: credentials (user@host) are not read from the endpoint; set username and password")
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || rest == "" {
		return endpoint{}, fmt.Errorf("endpoint: %q is not scheme://host:port[,host:port]", s)
	}
	var ep endpoint
	switch scheme {
	case "tcp", "clickhouse":
	case "http":
		ep.http = true
	case "https":
		ep.http, ep.secure = true, true
	default:
		return endpoint{}, fmt.Errorf("endpoint: scheme %q is not tcp, clickhouse, http or https", scheme)
	}
	rest, query, _ := strings.Cut(rest, "?")
	rest, path, _ := strings.Cut(rest, "/")
	// contrib's DSN names the database in the path; dropping it would
	// write elsewhere than meant.
	if path != "" {
		return endpoint{}, fmt.Errorf("endpoint: path %q is not read; set database", "/"+path)
	}
	if err := ep.readQuery(query); err != nil {
		return endpoint{}, err
	}
	for h := range strings.SplitSeq(rest, ",") {
		h = strings.TrimSpace(h)
		if err := checkHostPort(h); err != nil {
			return endpoint{}, err
		}
		ep.hosts = append(ep.hosts, h)
	}
	return ep, nil
}

// checkHostPort accepts host:port with a host name or IPv4 address, or
// [IPv6]:port, and a port in 1..65535. Anything else (a missing or empty
// port, a second scheme, a separator other than a comma) would otherwise
// be dialled as it is and fail later, or quietly drop a host.
func checkHostPort(h string) error {
	if !strings.Contains(h, ":") {
		return fmt.Errorf("endpoint: host %q needs a port", h)
	}
	host, port, err := net.SplitHostPort(h)
	if err != nil {
		return fmt.Errorf("endpoint: host %q is not host:port or [IPv6]:port", h)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("endpoint: host %q: port %q is not a number in 1..65535", h, port)
	}
	if strings.HasPrefix(h, "[") {
		if net.ParseIP(host) == nil {
			return fmt.Errorf("endpoint: host %q: %q is not an IPv6 address", h, host)
		}
		return nil
	}
	if host == "" || strings.IndexFunc(host, badHostRune) >= 0 {
		return fmt.Errorf("endpoint: host %q: %q is not a host name or address", h, host)
	}
	return nil
}

func badHostRune(r rune) bool {
	return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '.' || r == '-' || r == '_')
}

// readQuery takes secure=true from the endpoint's query, as contrib's DSN
// does (TLS with the system's roots unless tls is set). Other parameters
// are refused rather than ignored: a DSN's database or compression here
// would otherwise be silently dropped.
func (ep *endpoint) readQuery(query string) error {
	if query == "" {
		return nil
	}
	vals, err := url.ParseQuery(query)
	if err != nil {
		return fmt.Errorf("endpoint: query %q: %w", query, err)
	}
	for key, v := range vals {
		if key != "secure" {
			return fmt.Errorf("endpoint: parameter %q is not read; use the exporter's options (tls, database, compression, ...)", key)
		}
		on, err := strconv.ParseBool(v[len(v)-1])
		if err != nil {
			return fmt.Errorf("endpoint: secure=%q is not true or false", v[len(v)-1])
		}
		ep.secure = ep.secure || on
	}
	return nil
}
