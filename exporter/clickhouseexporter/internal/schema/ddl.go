package schema

import (
	"fmt"
	"strings"
	"time"
)

// Options shape the DDL.
type Options struct {
	Database string
	Cluster  string        // ON CLUSTER name; empty for none
	Engine   string        // e.g. MergeTree or ReplicatedMergeTree('/clickhouse/{shard}/{database}/{table}', '{replica}')
	TTL      time.Duration // 0 keeps rows forever
	// DedupWindow is non_replicated_deduplication_window on plain MergeTree
	// tables: how many recent insert blocks are remembered, so a retried
	// batch with the same insert_deduplication_token is skipped.
	DedupWindow int
}

// Ident quotes an identifier with backquotes.
func Ident(s string) string {
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "`", "\\`") + "`"
}

// QualifiedName is `db`.`name`.
func QualifiedName(db, name string) string { return Ident(db) + "." + Ident(name) }

func (o Options) onCluster() string {
	if o.Cluster == "" {
		return ""
	}
	return " ON CLUSTER " + Ident(o.Cluster)
}

// CreateDatabase is the idempotent CREATE DATABASE.
func CreateDatabase(o Options) string {
	return "CREATE DATABASE IF NOT EXISTS " + Ident(o.Database) + o.onCluster()
}

// CreateTable is the idempotent CREATE TABLE of t named name.
func CreateTable(o Options, t Table, name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s%s (\n", QualifiedName(o.Database, name), o.onCluster())
	for _, c := range t.Columns {
		b.WriteString("    " + columnDef(c) + ",\n")
	}
	for i, idx := range t.Indexes {
		b.WriteString("    INDEX " + idx)
		if i < len(t.Indexes)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, ") ENGINE = %s\nPARTITION BY %s\nORDER BY %s\n", o.Engine, t.PartitionBy, t.OrderBy)
	if o.TTL > 0 {
		fmt.Fprintf(&b, "TTL %s + toIntervalSecond(%d)\n", t.TTLColumn, int64(o.TTL/time.Second))
	}
	b.WriteString("SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1")
	if o.DedupWindow > 0 && !strings.HasPrefix(o.Engine, "Replicated") {
		fmt.Fprintf(&b, ", non_replicated_deduplication_window = %d", o.DedupWindow)
	}
	return b.String()
}

func columnDef(c Column) string {
	s := Ident(c.Name) + " " + c.Type
	if c.Codec != "" {
		s += " CODEC(" + c.Codec + ")"
	}
	return s
}

// AddColumn is the ALTER TABLE that adds a missing optional column.
func AddColumn(o Options, name string, c Column) string {
	return fmt.Sprintf("ALTER TABLE %s%s ADD COLUMN IF NOT EXISTS %s", QualifiedName(o.Database, name), o.onCluster(), columnDef(c))
}

// CreateTraceIDView is the materialized view that fills the trace id
// lookup table from the traces table.
func CreateTraceIDView(o Options, traces string) string {
	return fmt.Sprintf(`CREATE MATERIALIZED VIEW IF NOT EXISTS %s%s TO %s
AS SELECT TraceId, min(Timestamp) AS Start, max(Timestamp) AS End
FROM %s WHERE TraceId != '' GROUP BY TraceId`,
		QualifiedName(o.Database, traces+"_trace_id_ts_mv"), o.onCluster(),
		QualifiedName(o.Database, traces+TraceIDTS.Suffix), QualifiedName(o.Database, traces))
}
