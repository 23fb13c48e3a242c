package jsonlfileexporter

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelhub/otelhub/exporter/jsonlfileexporter/internal/metadata"
	"github.com/otelhub/otelhub/internal/configtest"
)

func TestLoadConfig(t *testing.T) {
	configtest.Run(t, filepath.Join("testdata", "config.yaml"), metadata.Type, createDefaultConfig, []configtest.Case{
		{Name: "", Want: &Config{Path: "./var/received.jsonl", FlushInterval: time.Second}},
		{Name: "unbuffered", Want: &Config{Path: "/tmp/out.jsonl"}},
		{Name: "no_path", WantErr: "path: must be set"},
		{Name: "negative_flush", WantErr: "flush_interval: must be >= 0, got -1s"},
	})
}

// Both signals of one config write to one file; every line decodes back to
// what was sent.
func TestWritesDecodableLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "out.jsonl")
	cfg := &Config{Path: path, FlushInterval: 10 * time.Millisecond}
	f := NewFactory()
	set := exportertest.NewNopSettings(metadata.Type)
	ctx := context.Background()
	le, err := f.CreateLogs(ctx, set, cfg)
	require.NoError(t, err)
	te, err := f.CreateTraces(ctx, set, cfg)
	require.NoError(t, err)
	host := componenttest.NewNopHost()
	require.NoError(t, le.Start(ctx, host))
	require.NoError(t, te.Start(ctx, host))

	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("hello \xff world")
	td := ptrace.NewTraces()
	td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().SetName("span")
	for range 3 {
		require.NoError(t, le.ConsumeLogs(ctx, ld))
		require.NoError(t, te.ConsumeTraces(ctx, td))
	}
	require.NoError(t, le.Shutdown(ctx))
	require.NoError(t, te.Shutdown(ctx))

	file, err := os.Open(path)
	require.NoError(t, err)
	defer file.Close()
	var logs, spans int
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		if l, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(sc.Bytes()); err == nil && l.LogRecordCount() > 0 {
			logs += l.LogRecordCount()
			continue
		}
		tr, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(sc.Bytes())
		require.NoError(t, err)
		spans += tr.SpanCount()
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, 3, logs)
	assert.Equal(t, 3, spans)
}

func TestUnwritablePathFailsAtStart(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(blocker, nil, 0o644))
	cfg := &Config{Path: filepath.Join(blocker, "out.jsonl")}
	e, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.ErrorContains(t, e.Start(context.Background(), componenttest.NewNopHost()), "jsonlfile")
}
