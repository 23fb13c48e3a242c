package clickhouseexporter

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelhub/otelhub/internal/testserver"
)

// README (Tables): attribute values of other types are written as text,
// "maps and slices as JSON". A map or slice that holds a NaN or an
// infinity (legal OTLP doubles) is written as an empty string instead: pdata's
// AsString gives up on the whole value, so every other key in it is lost
// too, silently (no error, nothing counted). The same goes for a
// structured (map) body. Read back from ClickHouse 26.7; the expected
// text keeps "keep" whatever the NaN becomes.
func TestIntegrationChDBStructuredValueWithNaNKept(t *testing.T) {
	s := testserver.ChDB(t)
	conn := reader(t, s)
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	body := lr.Body().SetEmptyMap()
	body.PutStr("msg", "disk full")
	body.PutDouble("ratio", math.NaN())
	m := lr.Attributes().PutEmptyMap("ctx")
	m.PutStr("keep", "me")
	m.PutDouble("ratio", math.Inf(1))
	sl := lr.Attributes().PutEmptySlice("list")
	sl.AppendEmpty().SetStr("keep-too")
	sl.AppendEmpty().SetDouble(math.Inf(-1))
	require.NoError(t, logsExporter(t, chdbConfig(s)).ConsumeLogs(context.Background(), ld))

	require.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_logs"))
	assert.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_logs WHERE position(LogAttributes['ctx'], '\"keep\":\"me\"') > 0"),
		"a map attribute with an infinity lost all its keys")
	assert.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_logs WHERE position(LogAttributes['list'], 'keep-too') > 0"),
		"a slice attribute with an infinity lost all its items")
	assert.Equal(t, uint64(1), count(t, conn, "SELECT count() FROM otel.otel_logs WHERE position(Body, 'disk full') > 0"),
		"a map body with a NaN was stored as ''")
}
