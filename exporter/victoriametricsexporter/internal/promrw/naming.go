package promrw

import (
	"slices"
	"strings"
)

// unitSuffixes maps UCUM units to the Prometheus suffixes of the OTel
// specification's Prometheus compatibility rules. "1" maps to nothing.
var unitSuffixes = map[string]string{
	"d": "days", "h": "hours", "min": "minutes", "s": "seconds", "ms": "milliseconds",
	"us": "microseconds", "ns": "nanoseconds",
	"By": "bytes", "KiBy": "kibibytes", "MiBy": "mebibytes", "GiBy": "gibibytes", "TiBy": "tibibytes",
	"KBy": "kilobytes", "MBy": "megabytes", "GBy": "gigabytes", "TBy": "terabytes",
	"m": "meters", "V": "volts", "A": "amperes", "J": "joules", "W": "watts", "g": "grams",
	"Cel": "celsius", "Hz": "hertz", "%": "percent", "1": "",
}

var perUnitSuffixes = map[string]string{
	"s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year",
}

// kind is what a metric becomes in Prometheus; it decides the suffixes.
type kind uint8

const (
	kindGauge   kind = iota
	kindCounter      // monotonic sum: _total
	kindUpDown       // non-monotonic sum: a gauge, but never _ratio
	kindHistogram
	kindSummary
)

func metricChar(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == ':'
}

// words splits a name into the runs of valid metric characters; '_' and
// every invalid character separate words.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !metricChar(r) })
}

// cleanUnit makes a unit suffix a valid name part: invalid characters
// become '_', runs of '_' collapse and a leading '_' goes.
func cleanUnit(s string) string {
	return strings.TrimPrefix(strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '_' || !metricChar(r) }), "_"), "_")
}

// unitSuffixParts turns a UCUM unit into its main and "per_" suffixes:
// "By/s" -> "bytes", "per_second". A part with an {annotation} adds
// nothing; "1" adds nothing.
func unitSuffixParts(unit string) (mainPart, perPart string) {
	m, p, hasPer := strings.Cut(unit, "/")
	if m = strings.TrimSpace(m); m != "" && !strings.ContainsAny(m, "{}") {
		mainPart = m
		if s, ok := unitSuffixes[m]; ok {
			mainPart = s
		}
	}
	if p = strings.TrimSpace(p); hasPer && p != "" && !strings.ContainsAny(p, "{}") {
		if s, ok := perUnitSuffixes[p]; ok {
			p = s
		}
		perPart = "per_" + p
	}
	return cleanUnit(mainPart), cleanUnit(perPart)
}

// metricName builds the Prometheus name of an OTel metric as the OTel
// specification (and Prometheus's otlptranslator) does: the name's words
// joined by '_', the unit's words added unless the name already has them
// as a word, then _total for counters and _ratio for gauges of unit "1".
func metricName(namespace, name, unit string, k kind, suffixes bool) string {
	var ws []string
	if suffixes {
		ws = words(name)
		mainPart, perPart := unitSuffixParts(unit)
		if perPart == "per" {
			perPart = "" // "per_" of a unit that cleaned up to nothing
		}
		if slices.Contains(ws, mainPart) {
			mainPart = ""
		}
		if slices.Contains(ws, perPart) {
			perPart = ""
		}
		for _, p := range []string{mainPart, perPart} {
			if p != "" {
				ws = append(ws, p)
			}
		}
		if k == kindCounter {
			ws = append(slices.DeleteFunc(ws, func(w string) bool { return w == "total" }), "total")
		}
		if k == kindGauge && unit == "1" {
			ws = append(slices.DeleteFunc(ws, func(w string) bool { return w == "ratio" }), "ratio")
		}
	} else {
		// Without suffixes, existing '_' runs are kept as they are.
		ws = []string{joinValidRuns(name)}
	}
	if namespace != "" {
		ws = append([]string{joinValidRuns(namespace)}, ws...)
	}
	n := strings.Join(ws, "_")
	if n == "" || strings.Trim(n, "_") == "" {
		return "_" // nothing valid is left; a name must not be empty
	}
	if n[0] >= '0' && n[0] <= '9' {
		n = "_" + n
	}
	return n
}

// joinValidRuns replaces each run of invalid characters with one '_' and
// drops it at both ends; '_' itself is valid and kept.
func joinValidRuns(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r != '_' && !metricChar(r) }), "_")
}

// labelName makes a valid label name as contrib does: each invalid
// character becomes one '_' and a leading digit gets "key_". A name that
// would start with "__" (reserved for Prometheus's own labels) gets "key"
// in front; an empty one becomes "_".
func labelName(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 4)
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	n := b.String()
	switch {
	case n == "":
		return "_"
	case n[0] >= '0' && n[0] <= '9':
		return "key_" + n
	case strings.HasPrefix(n, "__"):
		return "key" + n
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
	name, unit string
	kind       kind
	derived    bool
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
	v := labelName(key)
	c.labels[strings.Clone(key)] = v
	return v
}

func (c *nameCache) metric(namespace, name, unit string, k kind, suffixes bool) string {
	key := metricKey{name: name, unit: unit, kind: k}
	if v, ok := c.metrics[key]; ok {
		return v
	}
	if len(c.metrics) >= c.max {
		clear(c.metrics)
	}
	v := metricName(namespace, name, unit, k, suffixes)
	c.metrics[metricKey{name: strings.Clone(name), unit: strings.Clone(unit), kind: k}] = v
	return v
}

// derived returns name+suffix, cached so the hot path does not concatenate.
func (c *nameCache) derived(name, suffix string) string {
	k := metricKey{name: name, unit: suffix, derived: true}
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
