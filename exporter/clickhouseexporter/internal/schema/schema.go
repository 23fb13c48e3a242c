// Package schema holds otelhub's ClickHouse tables: their columns (names
// and types as Grafana's ClickHouse data source and contrib's
// clickhouseexporter use them), the DDL that creates them, and the check
// that compares an existing table with what the exporter writes.
package schema

import (
	"fmt"
	"strings"
)

// Column is one column of a table.
type Column struct {
	Name  string
	Type  string
	Codec string // CODEC(...) body; empty for none
	// Optional columns may be missing from an older table: the exporter
	// adds them at start. Required ones must exist with a compatible type.
	Optional bool
}

// Table is one table the exporter writes, or a helper table.
type Table struct {
	Suffix  string // name suffix added to the configured base name ("" for none)
	Columns []Column
	Indexes []string // INDEX clauses, without the leading keyword
	// PartitionBy, OrderBy and TTLColumn shape the MergeTree.
	PartitionBy string
	OrderBy     string
	TTLColumn   string
}

// Shorthands for the repeated column types.
const (
	attrMap = "Map(LowCardinality(String), String)"
	lcStr   = "LowCardinality(String)"
	ts9     = "DateTime64(9)"
	zstd    = "ZSTD(1)"
)

func col(name, typ, codec string) Column { return Column{Name: name, Type: typ, Codec: codec} }
func opt(name, typ, codec string) Column {
	return Column{Name: name, Type: typ, Codec: codec, Optional: true}
}

var attrIndexes = func(cols ...string) []string {
	var out []string
	for _, c := range cols {
		short := strings.ToLower(strings.TrimSuffix(c, "Attributes"))
		out = append(out,
			fmt.Sprintf("idx_%s_attr_key mapKeys(%s) TYPE bloom_filter(0.01) GRANULARITY 1", short, c),
			fmt.Sprintf("idx_%s_attr_value mapValues(%s) TYPE bloom_filter(0.01) GRANULARITY 1", short, c))
	}
	return out
}

// Logs is otel_logs.
var Logs = Table{
	Columns: []Column{
		col("Timestamp", ts9, "Delta(8), ZSTD(1)"),
		col("TraceId", "String", zstd),
		col("SpanId", "String", zstd),
		col("TraceFlags", "UInt8", ""),
		col("SeverityText", lcStr, zstd),
		col("SeverityNumber", "UInt8", ""),
		col("ServiceName", lcStr, zstd),
		col("Body", "String", zstd),
		opt("ResourceSchemaUrl", lcStr, zstd),
		col("ResourceAttributes", attrMap, zstd),
		opt("ScopeSchemaUrl", lcStr, zstd),
		col("ScopeName", "String", zstd),
		col("ScopeVersion", lcStr, zstd),
		col("ScopeAttributes", attrMap, zstd),
		col("LogAttributes", attrMap, zstd),
		opt("EventName", "String", zstd),
	},
	Indexes: append([]string{"idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1"},
		append(attrIndexes("ResourceAttributes", "ScopeAttributes", "LogAttributes"),
			"idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8")...),
	PartitionBy: "toDate(Timestamp)",
	OrderBy:     "(toStartOfFiveMinutes(Timestamp), ServiceName, Timestamp)",
	TTLColumn:   "toDateTime(Timestamp)",
}

// Traces is otel_traces.
var Traces = Table{
	Columns: []Column{
		col("Timestamp", ts9, "Delta(8), ZSTD(1)"),
		col("TraceId", "String", zstd),
		col("SpanId", "String", zstd),
		col("ParentSpanId", "String", zstd),
		col("TraceState", "String", zstd),
		col("SpanName", lcStr, zstd),
		col("SpanKind", lcStr, zstd),
		col("ServiceName", lcStr, zstd),
		col("ResourceAttributes", attrMap, zstd),
		col("ScopeName", "String", zstd),
		col("ScopeVersion", "String", zstd),
		col("SpanAttributes", attrMap, zstd),
		col("Duration", "UInt64", zstd),
		col("StatusCode", lcStr, zstd),
		col("StatusMessage", "String", zstd),
		col("Events.Timestamp", "Array("+ts9+")", zstd),
		col("Events.Name", "Array("+lcStr+")", zstd),
		col("Events.Attributes", "Array("+attrMap+")", zstd),
		col("Links.TraceId", "Array(String)", zstd),
		col("Links.SpanId", "Array(String)", zstd),
		col("Links.TraceState", "Array(String)", zstd),
		col("Links.Attributes", "Array("+attrMap+")", zstd),
	},
	Indexes: append([]string{"idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1"},
		append(attrIndexes("ResourceAttributes", "SpanAttributes"),
			"idx_duration Duration TYPE minmax GRANULARITY 1")...),
	PartitionBy: "toDate(Timestamp)",
	OrderBy:     "(ServiceName, SpanName, toDateTime(Timestamp))",
	TTLColumn:   "toDateTime(Timestamp)",
}

// TraceIDTS is otel_traces_trace_id_ts, the first and last time of each
// trace, which Grafana reads to narrow the time range of a trace lookup.
// It is filled by TraceIDTSView.
var TraceIDTS = Table{
	Suffix: "_trace_id_ts",
	Columns: []Column{
		col("TraceId", "String", zstd),
		col("Start", "DateTime", "Delta(4), ZSTD(1)"),
		col("End", "DateTime", "Delta(4), ZSTD(1)"),
	},
	Indexes:     []string{"idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1"},
	PartitionBy: "toDate(Start)",
	OrderBy:     "(TraceId, Start)",
	TTLColumn:   "Start",
}

// metricCommon are the leading columns of every metrics table.
func metricCommon() []Column {
	return []Column{
		col("ResourceAttributes", attrMap, zstd),
		opt("ResourceSchemaUrl", "String", zstd),
		col("ScopeName", "String", zstd),
		col("ScopeVersion", "String", zstd),
		col("ScopeAttributes", attrMap, zstd),
		opt("ScopeDroppedAttrCount", "UInt32", zstd),
		opt("ScopeSchemaUrl", "String", zstd),
		col("ServiceName", lcStr, zstd),
		col("MetricName", "String", zstd),
		col("MetricDescription", "String", zstd),
		col("MetricUnit", "String", zstd),
		col("Attributes", attrMap, zstd),
		col("StartTimeUnix", ts9, "Delta(8), ZSTD(1)"),
		col("TimeUnix", ts9, "Delta(8), ZSTD(1)"),
	}
}

// exemplars are the Exemplars nested columns of every metrics table but
// the summary one.
func exemplars() []Column {
	return []Column{
		opt("Exemplars.FilteredAttributes", "Array("+attrMap+")", zstd),
		opt("Exemplars.TimeUnix", "Array("+ts9+")", zstd),
		opt("Exemplars.Value", "Array(Float64)", zstd),
		opt("Exemplars.SpanId", "Array(String)", zstd),
		opt("Exemplars.TraceId", "Array(String)", zstd),
	}
}

// histogramTail is the last columns of both histogram tables.
func histogramTail() []Column {
	return []Column{
		opt("Flags", "UInt32", zstd),
		opt("Min", "Float64", zstd),
		opt("Max", "Float64", zstd),
		col("AggregationTemporality", "Int32", zstd),
	}
}

func metricTable(suffix string, cols ...[]Column) Table {
	all := metricCommon()
	for _, c := range cols {
		all = append(all, c...)
	}
	return Table{
		Suffix:  suffix,
		Columns: all,
		Indexes: append(attrIndexes("ResourceAttributes", "ScopeAttributes", "Attributes"),
			"idx_time_minmax TimeUnix TYPE minmax GRANULARITY 1"),
		PartitionBy: "toDate(TimeUnix)",
		OrderBy:     "(ServiceName, MetricName, toStartOfHour(TimeUnix), cityHash64(Attributes), TimeUnix)",
		TTLColumn:   "toDateTime(TimeUnix)",
	}
}

// The metrics tables, one per point type.
var (
	Gauge = metricTable("_gauge", []Column{
		col("Value", "Float64", zstd),
		opt("Flags", "UInt32", zstd),
	}, exemplars())
	Sum = metricTable("_sum", []Column{
		col("Value", "Float64", zstd),
		opt("Flags", "UInt32", zstd),
	}, exemplars(), []Column{
		col("AggregationTemporality", "Int32", zstd),
		col("IsMonotonic", "Bool", "Delta(1), ZSTD(1)"),
	})
	Histogram = metricTable("_histogram", []Column{
		col("Count", "UInt64", "Delta(8), ZSTD(1)"),
		col("Sum", "Float64", zstd),
		col("BucketCounts", "Array(UInt64)", zstd),
		col("ExplicitBounds", "Array(Float64)", zstd),
	}, exemplars(), histogramTail())
	ExpHistogram = metricTable("_exponential_histogram", []Column{
		col("Count", "UInt64", "Delta(8), ZSTD(1)"),
		col("Sum", "Float64", zstd),
		col("Scale", "Int32", zstd),
		col("ZeroCount", "UInt64", zstd),
		col("PositiveOffset", "Int32", zstd),
		col("PositiveBucketCounts", "Array(UInt64)", zstd),
		col("NegativeOffset", "Int32", zstd),
		col("NegativeBucketCounts", "Array(UInt64)", zstd),
	}, exemplars(), histogramTail())
	Summary = metricTable("_summary", []Column{
		col("Count", "UInt64", "Delta(8), ZSTD(1)"),
		col("Sum", "Float64", zstd),
		col("ValueAtQuantiles.Quantile", "Array(Float64)", zstd),
		col("ValueAtQuantiles.Value", "Array(Float64)", zstd),
		opt("Flags", "UInt32", zstd),
	})
)

// Names returns the column names in insert order.
func (t Table) Names() []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}
