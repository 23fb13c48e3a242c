package victoriametricsexporter

import (
	"net"
	"net/http"
	"testing"

	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

type exporterhelperQueue = exporterhelper.QueueBatchConfig

func listen(t *testing.T, srv *http.Server) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}
