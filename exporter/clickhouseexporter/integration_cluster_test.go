package clickhouseexporter

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/schema"
	"github.com/otelhub/otelhub/internal/testserver"
)

// No ClickHouse cluster (Keeper, several replicas) runs here, so the
// ON CLUSTER / ReplicatedMergeTree DDL cannot be executed. ClickHouse
// 26.7's own parser checks it instead: EXPLAIN AST parses a statement
// without running it, and refuses what ClickHouse would not accept.
func TestIntegrationChDBClusterDDLParses(t *testing.T) {
	s := testserver.ChDB(t)
	conn := reader(t, s)
	ctx := context.Background()
	o := schema.Options{Database: "otel", Cluster: "my cluster", TTL: 72 * time.Hour, DedupWindow: 1000,
		Engine: "ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')"}
	stmts := []string{schema.CreateDatabase(o), schema.CreateTraceIDView(o, "otel_traces")}
	for _, def := range []schema.Table{schema.Logs, schema.Traces, schema.TraceIDTS, schema.Gauge, schema.Sum,
		schema.Histogram, schema.ExpHistogram, schema.Summary} {
		stmts = append(stmts, schema.CreateTable(o, def, "otel"+def.Suffix))
		stmts = append(stmts, schema.AddColumn(o, "otel"+def.Suffix, def.Columns[len(def.Columns)-1]))
	}
	for _, stmt := range stmts {
		require.Contains(t, stmt, "ON CLUSTER `my cluster`")
		require.NoError(t, conn.Exec(ctx, "EXPLAIN AST "+stmt), stmt)
		if strings.HasPrefix(stmt, "CREATE TABLE") {
			require.Contains(t, stmt, "ENGINE = ReplicatedMergeTree(")
			require.NotContains(t, stmt, "non_replicated_deduplication_window", "only plain MergeTree has it")
		}
	}
	// The check can fail: a statement ClickHouse would refuse.
	bad := strings.Replace(schema.CreateTable(o, schema.Logs, "otel_logs"), "ON CLUSTER", "ON CLUSTERS", 1)
	require.Error(t, conn.Exec(ctx, "EXPLAIN AST "+bad))
}
