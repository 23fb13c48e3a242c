package esfake

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// The shapes below are written from the exporter's README (the mapping
// of every mode), not from its code.

var (
	hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)
	hex16 = regexp.MustCompile(`^[0-9a-f]{16}$`)
)

// otelTop are the top-level fields an otel-mode document may have.
var otelTop = set("@timestamp", "observed_timestamp", "data_stream", "severity_text", "severity_number",
	"trace_id", "span_id", "parent_span_id", "trace_state", "event_name", "body", "attributes",
	"dropped_attributes_count", "resource", "scope", "name", "kind", "duration", "status", "links", "metrics", "_metric_names_hash")

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// ShapeOTel checks an otel-mode document: known top-level fields only,
// @timestamp with nanoseconds, a data_stream that names the index, body
// as text or structured, attributes/resource/scope objects, hex ids.
func ShapeOTel(index string, doc map[string]any) error {
	if err := common(doc); err != nil {
		return err
	}
	for k := range doc {
		if !otelTop[k] {
			return fmt.Errorf("field %q is not an otel-mode field", k)
		}
	}
	if err := checkDataStream(index, doc); err != nil {
		return err
	}
	if b, ok := doc["body"]; ok {
		m, ok := b.(map[string]any)
		if !ok || len(m) != 1 {
			return errors.New("body: want {text} or {structured}")
		}
		if t, ok := m["text"]; ok {
			if _, isStr := t.(string); !isStr {
				return errors.New("body.text: not a string")
			}
		} else if _, ok := m["structured"]; !ok {
			return errors.New("body: want {text} or {structured}")
		}
	}
	for _, k := range []string{"attributes", "metrics", "status"} {
		if v, ok := doc[k]; ok {
			if _, isObj := v.(map[string]any); !isObj {
				return fmt.Errorf("%s: not an object", k)
			}
		}
	}
	if r, ok := doc["resource"]; ok {
		if err := onlyKeys("resource", r, "attributes", "schema_url"); err != nil {
			return err
		}
	}
	if s, ok := doc["scope"]; ok {
		if err := onlyKeys("scope", s, "name", "version", "attributes"); err != nil {
			return err
		}
	}
	return ids(doc, "trace_id", "span_id", "parent_span_id")
}

// ShapeECS checks an ecs-mode document: no otel containers, message a
// string, ECS id fields in hex.
func ShapeECS(index string, doc map[string]any) error {
	if err := common(doc); err != nil {
		return err
	}
	for _, k := range []string{"attributes", "resource", "scope", "body", "severity_text", "trace_id"} {
		if _, ok := doc[k]; ok {
			return fmt.Errorf("field %q is not an ecs-mode field", k)
		}
	}
	if m, ok := doc["message"]; ok {
		if _, isStr := m.(string); !isStr {
			return errors.New("message: not a string")
		}
	}
	if err := checkDataStream(index, doc); err != nil {
		return err
	}
	return ids(doc, "trace.id", "span.id", "parent.id")
}

// ShapeRaw checks a raw-mode document: attributes are top level, so no
// otel containers and no data_stream object.
func ShapeRaw(_ string, doc map[string]any) error {
	if err := common(doc); err != nil {
		return err
	}
	for _, k := range []string{"attributes", "resource", "scope", "data_stream"} {
		if _, ok := doc[k]; ok {
			return fmt.Errorf("field %q is not a raw-mode field", k)
		}
	}
	return ids(doc, "trace_id", "span_id", "parent_span_id")
}

func common(doc map[string]any) error {
	ts, ok := doc["@timestamp"].(string)
	if !ok {
		return errors.New("@timestamp: missing or not a string")
	}
	if _, err := time.Parse(time.RFC3339Nano, ts); err != nil || !strings.HasSuffix(ts, "Z") || len(ts) != len("2006-01-02T15:04:05.000000000Z") {
		return fmt.Errorf("@timestamp %q: want RFC 3339 UTC with nanoseconds", ts)
	}
	return nil
}

// checkDataStream: a document routed to a data stream names it in its
// data_stream object, and the index is type-dataset-namespace.
func checkDataStream(index string, doc map[string]any) error {
	ds, ok := doc["data_stream"]
	if !ok {
		return nil
	}
	m, ok := ds.(map[string]any)
	if !ok {
		return errors.New("data_stream: not an object")
	}
	want := fmt.Sprint(m["type"], "-", m["dataset"], "-", m["namespace"])
	if want != index {
		return fmt.Errorf("data_stream names %q but the document went to %q", want, index)
	}
	switch m["type"] {
	case "logs", "metrics", "traces":
	default:
		return fmt.Errorf("data_stream.type %v", m["type"])
	}
	return nil
}

func onlyKeys(name string, v any, keys ...string) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: not an object", name)
	}
	allowed := set(keys...)
	for k := range m {
		if !allowed[k] {
			return fmt.Errorf("%s.%s: unexpected", name, k)
		}
	}
	return nil
}

func ids(doc map[string]any, trace string, spans ...string) error {
	if v, ok := doc[trace]; ok {
		if s, _ := v.(string); !hex32.MatchString(s) {
			return fmt.Errorf("%s %v: not 32 hex digits", trace, v)
		}
	}
	for _, k := range spans {
		if v, ok := doc[k]; ok {
			if s, _ := v.(string); !hex16.MatchString(s) {
				return fmt.Errorf("%s %v: not 16 hex digits", k, v)
			}
		}
	}
	return nil
}
