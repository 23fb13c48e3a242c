package jsonlfileexporter

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
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
		{Name: "", Want: &Config{Path: "./var/received.jsonl", FlushInterval: time.Second, Rotation: RotationConfig{MaxMegabytes: 100, MaxBackups: 3}}},
		{Name: "unbuffered", Want: &Config{Path: "/tmp/out.jsonl", Rotation: RotationConfig{MaxMegabytes: 100, MaxBackups: 3}}},
		{Name: "rotated", Want: &Config{Path: "x.jsonl", FlushInterval: time.Second, Rotation: RotationConfig{MaxMegabytes: 5}}},
		{Name: "unbounded", WantErr: "rotation::max_megabytes: must be >= 1, got 0\nrotation::max_backups: must be >= 0, got -1"},
		{Name: "no_path", WantErr: "path: must be set"},
		{Name: "negative_flush", WantErr: "flush_interval: must be >= 0, got -1s"},
	})
}

// Both signals of one config write to one file; every line decodes back to
// what was sent.
func TestWritesDecodableLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "out.jsonl")
	cfg := createDefaultConfig().(*Config)
	cfg.Path, cfg.FlushInterval = path, 10*time.Millisecond
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
	cfg := createDefaultConfig().(*Config)
	cfg.Path = filepath.Join(blocker, "out.jsonl")
	e, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.ErrorContains(t, e.Start(context.Background(), componenttest.NewNopHost()), "jsonlfile")
}

// Past max_megabytes the file rotates: no file exceeds the limit (a line is
// far smaller than it), at most max_backups older files stay, the newest
// lines are in the file itself, and every file is readable by its owner
// only.
func TestRotatesBySizeAndKeepsBoundedBackups(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.jsonl")
	cfg := createDefaultConfig().(*Config)
	cfg.Path, cfg.FlushInterval = path, 0
	cfg.Rotation = RotationConfig{MaxMegabytes: 1, MaxBackups: 2}
	e, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, e.Start(ctx, componenttest.NewNopHost()))

	const lines, bodySize = 60, 100 << 10 // 6 MB in all: several rotations
	for i := range lines {
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.Body().SetStr(strings.Repeat("x", bodySize))
		lr.Attributes().PutInt("seq", int64(i))
		require.NoError(t, e.ConsumeLogs(ctx, ld))
	}
	require.NoError(t, e.Shutdown(ctx))

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, de := range entries {
		names = append(names, de.Name())
		info, err := de.Info()
		require.NoError(t, err)
		assert.LessOrEqual(t, info.Size(), int64(1<<20), de.Name())
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), de.Name())
	}
	assert.ElementsMatch(t, []string{"out.jsonl", "out.jsonl.1", "out.jsonl.2"}, names)

	// The last line written is the last line of the current file.
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	last := data[bytes.LastIndexByte(data[:len(data)-1], '\n')+1:]
	ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(last)
	require.NoError(t, err)
	seq, _ := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get("seq")
	assert.Equal(t, int64(lines-1), seq.Int())
}

// A reader of the live file only ever sees whole lines, even for lines
// larger than the write buffer and with buffering on.
func TestLiveFileHoldsOnlyWholeLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.jsonl")
	cfg := createDefaultConfig().(*Config)
	cfg.Path, cfg.FlushInterval = path, time.Hour
	le, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, le.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, le.Shutdown(context.Background())) }()
	for _, size := range []int{10, 40 << 10, 30 << 10, 200 << 10, 5, 70 << 10} {
		ld := plog.NewLogs()
		ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr(strings.Repeat("x", size))
		require.NoError(t, le.ConsumeLogs(context.Background(), ld))
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		if len(data) > 0 {
			require.Equal(t, byte('\n'), data[len(data)-1], "after a %d-byte body the file ends inside a line", size)
		}
	}
}

// A file left by an earlier otelhub, which created it 0644, and its rotated
// files are narrowed to the owner at start: the open mode alone only applies to new files.
func TestExistingWorldReadableFileBecomesOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.jsonl")
	for _, p := range []string{path, path + ".1"} {
		require.NoError(t, os.WriteFile(p, []byte("{}\n"), 0o644))
		require.NoError(t, os.Chmod(p, 0o644)) // past the umask
	}
	cfg := createDefaultConfig().(*Config)
	cfg.Path = path
	e, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, e.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, e.Shutdown(context.Background())) })
	for _, p := range []string{path, path + ".1"} {
		info, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), p)
	}
}

// A rotation that fails (here its folder is gone) returns an error for
// the pipeline to retry, and the retry, once the folder is back, writes:
// the failed rotation must not leave the exporter closed for good.
func TestWritesAgainAfterAFailedRotation(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sub")
	path := filepath.Join(dir, "out.jsonl")
	cfg := createDefaultConfig().(*Config)
	cfg.Path, cfg.FlushInterval = path, 0
	cfg.Rotation = RotationConfig{MaxMegabytes: 1, MaxBackups: 1}
	e, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, e.Start(ctx, componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, e.Shutdown(ctx)) })
	big := func(word string) plog.Logs {
		ld := plog.NewLogs()
		ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().
			Body().SetStr(word + strings.Repeat("x", 600<<10))
		return ld
	}
	require.NoError(t, e.ConsumeLogs(ctx, big("first")))

	// The folder is replaced by a file: the rotation the next line needs fails.
	require.NoError(t, os.Rename(dir, dir+".moved"))
	require.NoError(t, os.WriteFile(dir, nil, 0o600))
	require.Error(t, e.ConsumeLogs(ctx, big("second")))

	require.NoError(t, os.Remove(dir))
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, e.ConsumeLogs(ctx, big("second")))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(data), "second")
}
