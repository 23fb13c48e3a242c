package promrw

import (
	"strings"
	"unicode/utf8"
)

// unitSuffixes maps UCUM units to the Prometheus suffixes of the OTel
// specification's Prometheus compatibility rules.
var unitSuffixes = map[string]string{
	"d": "days", "h": "hours", "min": "minutes", "s": "seconds", "ms": "milliseconds",
	"us": "microseconds", "ns": "nanoseconds",
	"By": "bytes", "KiBy": "kibibytes", "MiBy": "mebibytes", "GiBy": "gibibytes", "TiBy": "tibibytes",
	"KBy": "kilobytes", "MBy": "megabytes", "GBy": "gigabytes", "TBy": "terabytes",
	"m": "meters", "V": "volts", "A": "amperes", "J": "joules", "W": "watts", "g": "grams",
	"Cel": "celsius", "Hz": "hertz", "%": "percent",
}

var perUnitSuffixes = map[string]string{
	"s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year",
}

// sanitizeName makes a valid Prometheus metric or label name: characters
// outside [a-zA-Z0-9_:] become '_' (':' only in metric names), runs of '_'
// collapse, and a leading digit gets a '_' prefix.
func sanitizeName(s string, allowColon bool) string {
	var b strings.Builder
	b.Grow(len(s) + 1)
	lastUnderscore := false
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
			(r >= '0' && r <= '9' && i > 0) || (r == ':' && allowColon)
		if r >= '0' && r <= '9' && i == 0 {
			b.WriteByte('_')
			ok = true
		}
		if !ok || r == utf8.RuneError {
			r = '_'
		}
		if r == '_' {
			if lastUnderscore {
				continue
			}
			lastUnderscore = true
		} else {
			lastUnderscore = false
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// unitSuffix turns a UCUM unit into its name suffix: "By" -> "bytes",
// "m/s" -> "meters_per_second"; annotations in braces are dropped.
func unitSuffix(unit string) string {
	if i := strings.IndexByte(unit, '{'); i >= 0 {
		if j := strings.IndexByte(unit[i:], '}'); j >= 0 {
			unit = unit[:i] + unit[i+j+1:]
		}
	}
	unit = strings.TrimSpace(unit)
	if unit == "" || unit == "1" {
		return ""
	}
	main, per, hasPer := strings.Cut(unit, "/")
	s := unitSuffixes[main]
	if s == "" {
		s = main
	}
	if hasPer && per != "" {
		p := perUnitSuffixes[per]
		if p == "" {
			p = per
		}
		if s == "" {
			return "per_" + p
		}
		s += "_per_" + p
	}
	return s
}

// metricName builds the Prometheus name of an OTel metric.
func metricName(namespace, name, unit string, counter, gauge, suffixes bool) string {
	n := sanitizeName(name, true)
	if namespace != "" {
		n = sanitizeName(namespace, true) + "_" + n
	}
	if !suffixes {
		return n
	}
	if u := sanitizeName(unitSuffix(unit), false); u != "_" && !strings.HasSuffix(n, "_"+u) {
		n += "_" + u
	}
	if gauge && unit == "1" && !strings.HasSuffix(n, "_ratio") {
		n += "_ratio"
	}
	if counter && !strings.HasSuffix(n, "_total") {
		n += "_total"
	}
	return n
}

// nameCache remembers converted names, so the hot path converts each
// distinct name once. It is bounded: past max entries it starts afresh.
type nameCache struct {
	labels  map[string]string
	metrics map[metricKey]string
	max     int
}

type metricKey struct {
	name, unit     string
	counter, gauge bool
}

func newNameCache(max int) *nameCache {
	return &nameCache{labels: map[string]string{}, metrics: map[metricKey]string{}, max: max}
}

func (c *nameCache) label(key string) string {
	if v, ok := c.labels[key]; ok {
		return v
	}
	if len(c.labels) >= c.max {
		clear(c.labels)
	}
	v := sanitizeName(key, false)
	if strings.HasPrefix(v, "__") && !strings.HasPrefix(key, "__") {
		v = "key" + v // names starting with __ are reserved
	}
	c.labels[strings.Clone(key)] = v
	return v
}

func (c *nameCache) metric(namespace, name, unit string, counter, gauge, suffixes bool) string {
	k := metricKey{name, unit, counter, gauge}
	if v, ok := c.metrics[k]; ok {
		return v
	}
	if len(c.metrics) >= c.max {
		clear(c.metrics)
	}
	v := metricName(namespace, name, unit, counter, gauge, suffixes)
	c.metrics[metricKey{strings.Clone(name), strings.Clone(unit), counter, gauge}] = v
	return v
}

// derived returns name+suffix, cached so the hot path does not concatenate.
func (c *nameCache) derived(name, suffix string) string {
	k := metricKey{name: name, unit: suffix}
	if v, ok := c.metrics[k]; ok {
		return v
	}
	if len(c.metrics) >= c.max {
		clear(c.metrics)
	}
	v := name + suffix
	c.metrics[k] = v
	return v
}
