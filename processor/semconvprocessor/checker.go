package semconvprocessor

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/registry"
)

// counts holds findings by kind (index into findingIDs).
type counts [numKinds]int

// pending is a finding on one attribute (or metric), with what fixing it
// would set.
type pending struct {
	kind int
	key  string
	fix  string // the registry's spelling of an enum value, or the new name
}

// checker checks attribute maps against the registry. Its registry and
// settings are read-only; its scratch space belongs to one goroutine.
type checker struct {
	reg       *registry.Registry
	allow     []string
	actions   [numKinds]string
	findAttr  string
	scratch   []pending
	annotated []string
}

func newChecker(cfg *Config, reg *registry.Registry) *checker {
	c := &checker{reg: reg, allow: cfg.AllowPrefixes, findAttr: cfg.FindingsAttribute}
	for i, id := range findingIDs {
		c.actions[i] = cfg.actionFor(id)
	}
	return c
}

func (c *checker) allowed(k string) bool {
	if k == c.findAttr {
		return true
	}
	for _, p := range c.allow {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

func (c *checker) add(kind int, key, fix string) {
	c.scratch = append(c.scratch, pending{kind: kind, key: key, fix: fix})
}

// checkAttr appends the findings of one attribute to the scratch list.
func (c *checker) checkAttr(k string, v pcommon.Value) {
	if c.allowed(k) {
		return
	}
	a, ok := c.reg.Attribute(k)
	if !ok {
		switch {
		case !validName(k):
			c.add(kInvalidFormat, k, "")
		case c.reg.Template(k):
		default:
			c.add(kMissingAttribute, k, "")
			if !strings.Contains(k, ".") {
				c.add(kMissingNamespace, k, "")
			}
		}
		return
	}
	if a.Deprecated {
		c.add(kDeprecated, k, a.RenamedTo)
		return
	}
	if !typeMatches(a.Type, v) {
		c.add(kTypeMismatch, k, "")
		return
	}
	if len(a.Enum) > 0 && a.Type == registry.TypeString && !isMember(a.Enum, v.Str()) {
		c.add(kUndefinedEnumVariant, k, foldEnum(a.Enum, v.Str()))
	}
	if a.Stability != "stable" {
		c.add(kNotStable, k, "")
	}
}

func typeMatches(t registry.Type, v pcommon.Value) bool {
	switch t {
	case registry.TypeString:
		return v.Type() == pcommon.ValueTypeStr
	case registry.TypeInt:
		return v.Type() == pcommon.ValueTypeInt
	case registry.TypeDouble:
		return v.Type() == pcommon.ValueTypeDouble || v.Type() == pcommon.ValueTypeInt
	case registry.TypeBool:
		return v.Type() == pcommon.ValueTypeBool
	case registry.TypeStringSlice:
		return sliceOf(v, pcommon.ValueTypeStr)
	case registry.TypeIntSlice:
		return sliceOf(v, pcommon.ValueTypeInt)
	case registry.TypeDoubleSlice:
		return sliceOf(v, pcommon.ValueTypeDouble)
	case registry.TypeBoolSlice:
		return sliceOf(v, pcommon.ValueTypeBool)
	}
	return true
}

func sliceOf(v pcommon.Value, elem pcommon.ValueType) bool {
	if v.Type() != pcommon.ValueTypeSlice {
		return false
	}
	s := v.Slice()
	for i := 0; i < s.Len(); i++ {
		if s.At(i).Type() != elem {
			return false
		}
	}
	return true
}

func isMember(enum []string, s string) bool {
	for _, m := range enum {
		if m == s {
			return true
		}
	}
	return false
}

// foldEnum returns the member that s spells in another case, or "".
func foldEnum(enum []string, s string) string {
	for _, m := range enum {
		if strings.EqualFold(m, s) {
			return m
		}
	}
	return ""
}

// checkMap checks every attribute of m, counts the findings and applies
// the configured actions. Clean maps cost no allocation.
func (c *checker) checkMap(m pcommon.Map, n *counts) {
	c.scratch = c.scratch[:0]
	m.Range(func(k string, v pcommon.Value) bool {
		c.checkAttr(k, v)
		return true
	})
	if len(c.scratch) > 0 {
		c.apply(m, n)
	}
}

func (c *checker) apply(m pcommon.Map, n *counts) {
	c.annotated = c.annotated[:0]
	for _, p := range c.scratch {
		n[p.kind]++
		switch c.actions[p.kind] {
		case ActionAnnotate:
			c.annotated = append(c.annotated, findingIDs[p.kind]+":"+p.key)
		case ActionDrop:
			m.Remove(p.key)
		case ActionFix:
			c.fix(m, p)
		}
	}
	c.annotate(m)
}

// fix folds an enum value onto the registry's spelling, or renames a
// deprecated attribute when its new name is known and not already set.
func (c *checker) fix(m pcommon.Map, p pending) {
	if p.fix == "" {
		return
	}
	switch p.kind {
	case kUndefinedEnumVariant:
		m.PutStr(p.key, p.fix)
	case kDeprecated:
		if _, taken := m.Get(p.fix); taken {
			return
		}
		if v, ok := m.Get(p.key); ok {
			v.CopyTo(m.PutEmpty(p.fix))
			m.Remove(p.key)
		}
	}
}

func (c *checker) annotate(m pcommon.Map) {
	if len(c.annotated) == 0 {
		return
	}
	var s pcommon.Slice
	if v, ok := m.Get(c.findAttr); ok && v.Type() == pcommon.ValueTypeSlice {
		s = v.Slice()
	} else {
		s = m.PutEmptySlice(c.findAttr)
	}
	for _, a := range c.annotated {
		s.AppendEmpty().SetStr(a)
	}
}

// checkMetric checks a metric's unit and instrument against the registry
// and its data points' attributes.
func (c *checker) checkMetric(m pmetric.Metric, n *counts) {
	c.scratch = c.scratch[:0]
	if rm, ok := c.reg.Metric(m.Name()); ok {
		if rm.Unit != m.Unit() {
			c.add(kUnitMismatch, m.Name(), "")
		}
		if got := instrumentOf(m); got != "" && rm.Instrument != "" && got != rm.Instrument {
			c.add(kUnexpectedInstrument, m.Name(), "")
		}
	}
	var metricFindings []pending
	if len(c.scratch) > 0 {
		metricFindings = append(metricFindings, c.scratch...)
	}
	required := c.reg.RequiredForMetric(m.Name())
	forEachPointAttrs(m, func(attrs pcommon.Map) {
		c.checkMap(attrs, n)
		if len(metricFindings) == 0 && len(required) == 0 {
			return
		}
		c.scratch = append(c.scratch[:0], metricFindings...)
		c.missing(attrs, required)
		if len(c.scratch) > 0 {
			c.apply(attrs, n)
		}
	})
	if len(metricFindings) > 0 && m.Type() == pmetric.MetricTypeEmpty {
		for _, p := range metricFindings {
			n[p.kind]++
		}
	}
}

// missing adds a finding for each required attribute that attrs lacks.
func (c *checker) missing(attrs pcommon.Map, required []string) {
	for _, r := range required {
		if _, ok := attrs.Get(r); !ok {
			c.add(kRequiredNotPresent, r, "")
		}
	}
}

// checkRecord checks a log record's attributes and, for an event, the
// attributes its event requires.
func (c *checker) checkRecord(attrs pcommon.Map, event string, n *counts) {
	c.checkMap(attrs, n)
	if event == "" {
		return
	}
	if required := c.reg.RequiredForEvent(event); len(required) > 0 {
		c.scratch = c.scratch[:0]
		c.missing(attrs, required)
		if len(c.scratch) > 0 {
			c.apply(attrs, n)
		}
	}
}

func instrumentOf(m pmetric.Metric) string {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		return "gauge"
	case pmetric.MetricTypeSum:
		if m.Sum().IsMonotonic() {
			return "counter"
		}
		return "updowncounter"
	case pmetric.MetricTypeHistogram, pmetric.MetricTypeExponentialHistogram:
		return "histogram"
	}
	return ""
}

func forEachPointAttrs(m pmetric.Metric, f func(pcommon.Map)) {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		for _, dp := range m.Gauge().DataPoints().All() {
			f(dp.Attributes())
		}
	case pmetric.MetricTypeSum:
		for _, dp := range m.Sum().DataPoints().All() {
			f(dp.Attributes())
		}
	case pmetric.MetricTypeHistogram:
		for _, dp := range m.Histogram().DataPoints().All() {
			f(dp.Attributes())
		}
	case pmetric.MetricTypeExponentialHistogram:
		for _, dp := range m.ExponentialHistogram().DataPoints().All() {
			f(dp.Attributes())
		}
	case pmetric.MetricTypeSummary:
		for _, dp := range m.Summary().DataPoints().All() {
			f(dp.Attributes())
		}
	}
}
