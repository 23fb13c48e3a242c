package chcol

import "go.opentelemetry.io/collector/pdata/pcommon"

// serviceName is the service.name resource attribute, "" when absent.
func serviceName(attrs pcommon.Map) string {
	if v, ok := attrs.Get("service.name"); ok {
		return v.AsString()
	}
	return ""
}
