package jsondepthextension

import (
	"context"
	"mime"
	"net/http"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensionmiddleware"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelhub/otelhub/extension/jsondepthextension/internal/metadata"
)

// guard is an HTTP server middleware: it refuses JSON request bodies whose
// objects nest deeper than the configured depth, before the receiver
// acknowledges them.
type guard struct {
	component.StartFunc
	component.ShutdownFunc

	maxDepth int
	refused  metric.Int64Counter
	attrs    metric.AddOption
}

var _ extensionmiddleware.HTTPServer = (*guard)(nil)

func newGuard(set extension.Settings, cfg *Config) (*guard, error) {
	m := set.MeterProvider.Meter(metadata.ScopeName)
	refused, err := m.Int64Counter("otelcol_extension_json_depth_refused_requests",
		metric.WithDescription("JSON requests refused with 400 because their objects nest deeper than max_depth"),
		metric.WithUnit("{request}"))
	if err != nil {
		return nil, err
	}
	return &guard{
		maxDepth: cfg.MaxDepth,
		refused:  refused,
		attrs:    metric.WithAttributes(attribute.String("extension", set.ID.String())),
	}, nil
}

// GetHTTPHandler wraps the receiver's handler. Only JSON bodies are
// scanned: protobuf bodies go through pdata's own decoder, which already
// refuses what it could not read back from the queue.
func (g *guard) GetHTTPHandler(context.Context) (extensionmiddleware.WrapHTTPHandlerFunc, error) {
	return func(_ context.Context, next http.Handler) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil && isJSON(r.Header.Get("Content-Type")) {
				ctx := r.Context()
				r.Body = &guardedBody{
					ReadCloser: r.Body,
					scanner:    depthScanner{max: g.maxDepth},
					refused:    func() { g.refused.Add(ctx, 1, g.attrs) },
				}
			}
			next.ServeHTTP(w, r)
		}), nil
	}, nil
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}
