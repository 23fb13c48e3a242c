package esbulk

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// ecsNames maps OTel semantic convention names to their Elastic Common
// Schema counterparts; names not listed keep their OTel name.
var ecsNames = map[string]string{
	"service.instance.id":         "service.node.name",
	"deployment.environment":      "service.environment",
	"deployment.environment.name": "service.environment",
	"host.name":                   "host.hostname",
	"host.arch":                   "host.architecture",
	"os.type":                     "host.os.platform",
	"os.description":              "host.os.full",
	"os.version":                  "host.os.version",
	"process.executable.path":     "process.executable",
	"process.parent_pid":          "process.parent.pid",
	"k8s.pod.name":                "kubernetes.pod.name",
	"k8s.pod.uid":                 "kubernetes.pod.uid",
	"k8s.namespace.name":          "kubernetes.namespace",
	"k8s.node.name":               "kubernetes.node.name",
	"k8s.deployment.name":         "kubernetes.deployment.name",
	"telemetry.sdk.name":          "agent.name",
	"telemetry.sdk.version":       "agent.version",
	"exception.type":              "error.type",
	"exception.message":           "error.message",
	"exception.stacktrace":        "error.stack_trace",
}

func ecsName(k string) string {
	if n, ok := ecsNames[k]; ok {
		return n
	}
	return k
}

// flat writes the attributes of an ecs or raw document as top-level
// fields. Fixed fields win over item attributes, which win over resource
// attributes, so no key is written twice (Elasticsearch refuses duplicate
// keys). rename maps names (ecs) or is nil (raw).
func (e *Encoder) flat(item, resource pcommon.Map, fixed []string, rename func(string) string) {
	name := func(k string) string {
		if rename != nil {
			return rename(k)
		}
		return k
	}
	dsRouted := e.opt.Route == RouteDataStream && e.opt.Mode != ModeRaw
	isFixed := func(k string) bool {
		if dsRouted && isDataStreamKey(k) {
			return true // written as the data_stream object
		}
		for _, f := range fixed {
			if f == k {
				return true
			}
		}
		return false
	}
	w := &e.w
	// Item attributes come first, so member keeps them over resource
	// attributes of the same (renamed) name.
	for _, m := range [2]pcommon.Map{item, resource} {
		for k, v := range m.All() {
			if n := name(k); !isFixed(n) && w.member(n) {
				w.value(v)
			}
		}
	}
}

// otelAttrs writes an otel-mode attributes object, without the
// data_stream.* keys, which are the document's data_stream field.
func (e *Encoder) otelAttrs(key string, m pcommon.Map) {
	if m.Len() == 0 {
		return
	}
	w := &e.w
	w.openObj(key)
	w.attrs(m, isDataStreamKey)
	w.close('}')
}

func isDataStreamKey(k string) bool {
	return len(k) > len("data_stream.") && k[:len("data_stream.")] == "data_stream."
}

// otelResourceScope writes the resource and scope objects of an otel-mode
// document.
func (e *Encoder) otelResourceScope(res pcommon.Resource, resSchema string, scope pcommon.InstrumentationScope) {
	w := &e.w
	if res.Attributes().Len() > 0 || resSchema != "" {
		w.openObj("resource")
		e.otelAttrs("attributes", res.Attributes())
		w.strIf("schema_url", resSchema)
		w.close('}')
	}
	if scope.Name() != "" || scope.Version() != "" || scope.Attributes().Len() > 0 {
		w.openObj("scope")
		w.strIf("name", scope.Name())
		w.strIf("version", scope.Version())
		e.otelAttrs("attributes", scope.Attributes())
		w.close('}')
	}
}

// dataStream writes the data_stream object of a document routed to a data
// stream, so the document says where it belongs.
func (e *Encoder) dataStream(typ string, sc scopes) {
	if e.opt.Route != RouteDataStream || e.opt.Mode == ModeRaw {
		return
	}
	w := &e.w
	w.openObj("data_stream")
	w.str("type", typ)
	w.key("dataset")
	w.b = append(w.b, '"')
	w.b = e.appendDataset(w.b, sc)
	w.b = append(w.b, '"')
	w.key("namespace")
	w.b = append(w.b, '"')
	w.b = appendDSPart(w.b, attrOr(sc, "data_stream.namespace", e.opt.Namespace), 100)
	w.b = append(w.b, '"')
	w.close('}')
}
