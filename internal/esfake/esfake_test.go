package esfake

import (
	"context"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// go-elasticsearch's typed client (which checks the product header)
// reads the fake's answers as it reads Elasticsearch's.
func TestTypedClientReadsTheFake(t *testing.T) {
	s := Start(t, ShapeOTel)
	es, err := elasticsearch.NewTypedClient(elasticsearch.Config{Addresses: []string{s.URL}})
	require.NoError(t, err)
	ctx := context.Background()

	inf, err := es.Info().Do(ctx)
	require.NoError(t, err)
	assert.Equal(t, "8.19.0", inf.Version.Int)

	body := `{"create":{"_index":"logs-a-default","_id":"1"}}
{"@timestamp":"2026-01-01T00:00:00.000000000Z","data_stream":{"type":"logs","dataset":"a","namespace":"default"},"body":{"text":"x"}}
{"create":{"_index":"logs-a-default","_id":"1"}}
{"@timestamp":"2026-01-01T00:00:00.000000000Z","data_stream":{"type":"logs","dataset":"a","namespace":"default"}}
{"create":{"_index":"logs-a-default"}}
{"@timestamp":"2026-01-01T00:00:00Z","a":1}
{"create":{"_index":"logs-a-default"}}
{"@timestamp":"2026-01-01T00:00:00.000000000Z","body":{"text":"x"},"body":{"text":"y"}}
`
	resp, err := es.Bulk().Raw(strings.NewReader(body)).Do(ctx)
	require.NoError(t, err)
	require.True(t, resp.Errors)
	require.Len(t, resp.Items, 4)
	var codes []int
	for _, m := range resp.Items {
		for _, it := range m {
			codes = append(codes, it.Status)
		}
	}
	assert.Equal(t, []int{201, 409, 400, 400}, codes, "stored, conflict, wrong shape, duplicate key")
	assert.Len(t, s.Violations(), 2)

	res, err := es.Search().Index("logs-*").Do(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 1, res.Hits.Total.Value)
	assert.Equal(t, "1", *res.Hits.Hits[0].Id_)

	ack, err := es.Indices.PutIndexTemplate("otel").Raw(strings.NewReader(`{"index_patterns":["logs-*"]}`)).Do(ctx)
	require.NoError(t, err)
	assert.True(t, ack.Acknowledged)
	ds, err := es.Indices.GetDataStream().Do(ctx)
	require.NoError(t, err)
	require.Len(t, ds.DataStreams, 1)
	assert.Equal(t, "logs-a-default", ds.DataStreams[0].Name)
}
