package clickhouseexporter

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// The password reaches neither the logs nor the errors, whether the
// server is down (the schema check and the insert fail to connect) or
// answers with an error of its own; on HTTP it is not in a URL.
func TestPasswordNeverLoggedOrInErrors(t *testing.T) {
	const secret = "hunter2-pw"
	var urls []string
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		urls = append(urls, r.URL.String()+" "+r.RequestURI)
		w.Header().Set("X-ClickHouse-Exception-Code", "516")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte("Code: 516. DB::Exception: otel: Authentication failed. (AUTHENTICATION_FAILED)"))
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })

	for _, ep := range []string{"http://" + deadAddr(t), "tcp://" + deadAddr(t), "http://" + l.Addr().String()} {
		core, logs := observer.New(zap.DebugLevel)
		set := exportertest.NewNopSettings(NewFactory().Type())
		set.Logger = zap.New(core)
		cfg := createDefaultConfig().(*Config)
		cfg.Endpoint = ep
		cfg.Username, cfg.Password = "otel", secret
		cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
		cfg.RetryConfig.Enabled = false
		e, err := NewFactory().CreateLogs(context.Background(), set, cfg)
		require.NoError(t, err)
		err = e.Start(context.Background(), componenttest.NewNopHost())
		var all []string
		if err != nil {
			all = append(all, err.Error())
		} else {
			err = e.ConsumeLogs(context.Background(), testLogs())
			require.Error(t, err, ep)
			all = append(all, err.Error())
			require.NoError(t, e.Shutdown(context.Background()))
		}
		for _, entry := range logs.All() {
			all = append(all, entry.Message)
			for k, v := range entry.ContextMap() {
				all = append(all, k+"="+fmt.Sprint(v))
			}
		}
		for _, s := range append(all, urls...) {
			assert.NotContains(t, s, secret, ep)
		}
	}
}
