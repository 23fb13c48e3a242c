package patternprocessor

import (
	"reflect"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// pipelineKey is the attribute the collector puts on the logger of each
// processor instance to name its pipeline.
const pipelineKey = "otelcol.pipeline.id"

// pipelineOf returns the pipeline a processor instance was built for, or
// "" when it cannot be told. The collector builds one instance of a
// processor per pipeline, with the same component id; processor.Settings
// does not name the pipeline, but the collector attaches it to the
// instance's logger as an attribute, which is read here. Reading it is
// best effort (it relies on how the collector wraps the logger's core):
// when it fails, every instance shares the state key of the component,
// as before.
func pipelineOf(logger *zap.Logger) string {
	if logger == nil {
		return ""
	}
	var found string
	_ = logger.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		found = attrOf(reflect.ValueOf(c), pipelineKey)
		return c
	}))
	return found
}

// attrOf looks for a field "attrs" holding attribute.KeyValue values in
// the core and returns the string value of key.
func attrOf(v reflect.Value, key string) string {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	attrs := v.FieldByName("attrs")
	if !attrs.IsValid() || attrs.Kind() != reflect.Slice {
		return ""
	}
	for i := 0; i < attrs.Len(); i++ {
		kv := attrs.Index(i)
		if kv.Kind() != reflect.Struct || kv.NumField() < 2 {
			continue
		}
		k, val := kv.Field(0), kv.Field(1)
		if k.Kind() != reflect.String || k.String() != key || val.Kind() != reflect.Struct {
			continue
		}
		if s := val.FieldByName("stringly"); s.IsValid() && s.Kind() == reflect.String {
			return s.String()
		}
	}
	return ""
}
