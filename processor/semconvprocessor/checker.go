package semconvprocessor

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/registry"
)

// counts holds findings by kind (index into findingIDs), and the
// annotation entries cut by the caps.
type counts struct {
	findings  [numKinds]int
	cutCount  int // entries beyond max_annotations
	cutLength int // entries whose name was shortened
}

// pending is a finding on one attribute (or metric), with what fixing it
// would set.
type pending struct {
	kind int
	key  string
	fix  string // the registry's spelling of an enum value, or the new name
}

// note is a finding to annotate; its text is made once, at flush, after
// duplicates (the same finding on many data points) are gone.
type note struct {
	kind int
	key  string
	cut  bool // key was shortened to max_annotation_key_length
}

func compareNotes(a, b note) int {
	if c := strings.Compare(findingIDs[a.kind], findingIDs[b.kind]); c != 0 {
		return c
	}
	if c := strings.Compare(a.key, b.key); c != 0 {
		return c
	}
	switch {
	case a.cut == b.cut:
		return 0
	case b.cut:
		return -1
	}
	return 1
}

// checker checks attribute maps against the registry. Its registry and
// settings are read-only; its scratch space belongs to one goroutine.
type checker struct {
	reg        *registry.Registry
	allow      []string
	actions    [numKinds]string
	findAttr   string
	maxEntries int
	maxKeyLen  int
	scratch    []pending
	annotated  []note
	anchors    []int // span conventions anchored by the attributes seen
}

func newChecker(cfg *Config, reg *registry.Registry) *checker {
	c := &checker{reg: reg, allow: cfg.AllowPrefixes, findAttr: cfg.FindingsAttribute,
		maxEntries: cfg.MaxAnnotations, maxKeyLen: cfg.MaxAnnotationKeyLength}
	for i := range findingIDs {
		c.actions[i] = cfg.actionFor(i)
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
// Templates come before the name format: their keys are free-form
// (http.request.header.content-type, k8s.pod.label.app.kubernetes.io/name).
func (c *checker) checkAttr(k string, v pcommon.Value) {
	if c.allowed(k) {
		return
	}
	if e, ok := c.reg.Attribute(k); ok {
		c.anchors = append(c.anchors, e.Spans...)
		c.checkDefined(k, &e.Attribute, v, e.RenamedTo)
		return
	}
	if t, ok := c.reg.Template(k); ok {
		rename := ""
		if t.RenamedTo != "" {
			rename = t.RenamedTo + k[len(t.Name):]
		}
		c.checkDefined(k, t, v, rename)
		return
	}
	switch {
	case !validName(k):
		c.add(kInvalidFormat, k, "")
	default:
		c.add(kMissingAttribute, k, "")
		if !strings.Contains(k, ".") {
			c.add(kMissingNamespace, k, "")
		}
	}
}

// checkDefined checks a value against its registry attribute (or
// template); rename is the name fix moves a deprecated one to, if any.
func (c *checker) checkDefined(k string, a *registry.Attribute, v pcommon.Value, rename string) {
	if a.Deprecated {
		c.add(kDeprecated, k, rename)
		return
	}
	if !typeMatches(a.Type, v) {
		c.add(kTypeMismatch, k, "")
		return
	}
	// Every enum of the model is open: another value is information,
	// not a violation.
	if len(a.Enum) > 0 && !isMember(a, v) {
		fold := ""
		if a.Type == registry.TypeString {
			fold = foldEnum(a.Enum, v.Str())
		}
		c.add(kUndefinedEnumVariant, k, fold)
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

// isMember compares a string or int value with the enum's members
// without allocating.
func isMember(a *registry.Attribute, v pcommon.Value) bool {
	var buf [24]byte
	s := ""
	switch a.Type {
	case registry.TypeString:
		s = v.Str()
	case registry.TypeInt:
		b := strconv.AppendInt(buf[:0], v.Int(), 10)
		for _, m := range a.Enum {
			if string(b) == m {
				return true
			}
		}
		return false
	default:
		return true
	}
	return slices.Contains(a.Enum, s)
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

// scan checks every attribute of m into the scratch list. Clean maps cost
// no allocation.
func (c *checker) scan(m pcommon.Map) {
	c.scratch = c.scratch[:0]
	c.anchors = c.anchors[:0]
	m.Range(func(k string, v pcommon.Value) bool {
		c.checkAttr(k, v)
		return true
	})
}

// settle counts and acts on the scratch findings of m, and writes its
// annotations on m itself.
func (c *checker) settle(m pcommon.Map, n *counts) {
	if len(c.scratch) == 0 {
		return
	}
	c.annotated = c.annotated[:0]
	c.apply(m, n)
	c.flush(m, n)
}

// checkMap checks, acts on and annotates one attribute map.
func (c *checker) checkMap(m pcommon.Map, n *counts) {
	c.scan(m)
	c.settle(m, n)
}

// apply counts each scratch finding and runs its action on m; annotate
// only collects the entry (flush writes them).
func (c *checker) apply(m pcommon.Map, n *counts) {
	// By index: a rename by fix appends the findings of the new name.
	for i := 0; i < len(c.scratch); i++ {
		p := c.scratch[i]
		n.findings[p.kind]++
		switch c.actions[p.kind] {
		case ActionAnnotate:
			c.annotated = append(c.annotated, note{kind: p.kind, key: p.key})
		case ActionDrop:
			m.Remove(p.key)
		case ActionFix:
			c.fix(m, p)
		}
	}
}

// shorten cuts a note's name to max_annotation_key_length bytes (at a
// rune boundary), before duplicates are removed: two long names that
// differ only past the cut make one entry.
func (c *checker) shorten(p *note) {
	if len(p.key) <= c.maxKeyLen {
		return
	}
	cut := c.maxKeyLen
	for cut > 0 && !utf8.RuneStart(p.key[cut]) {
		cut--
	}
	p.key, p.cut = p.key[:cut], true
}

// entry is the annotation of a finding: "<id>:<name>", a cut name marked
// "…".
func (c *checker) entry(p note, n *counts) string {
	if p.cut {
		n.cutLength++
		return findingIDs[p.kind] + ":" + p.key + "…"
	}
	return findingIDs[p.kind] + ":" + p.key
}

// fix folds an enum value onto the registry's spelling, or renames a
// deprecated attribute when the registry names its successor and that is
// not already set.
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
			// Check the value under its new name now, so a second pass
			// finds nothing this one did not (a string where the
			// successor is an int, a value outside its members).
			if nv, ok := m.Get(p.fix); ok {
				c.checkAttr(p.fix, nv)
			}
		}
	}
}

// flush replaces the findings attribute of m with this pass's entries,
// deduplicated and capped, so a second pass (agent then gateway, a retry)
// gives the same list, not a longer one. With no entries, m is left as is.
func (c *checker) flush(m pcommon.Map, n *counts) {
	if len(c.annotated) == 0 {
		return
	}
	for i := range c.annotated {
		c.shorten(&c.annotated[i])
	}
	// Finding ids are not prefixes of each other, so this is the order of
	// the "<id>:<name>" texts.
	slices.SortFunc(c.annotated, compareNotes)
	c.annotated = slices.Compact(c.annotated)
	if len(c.annotated) > c.maxEntries {
		n.cutCount += len(c.annotated) - c.maxEntries
		c.annotated = c.annotated[:c.maxEntries]
	}
	s := m.PutEmptySlice(c.findAttr)
	s.EnsureCapacity(len(c.annotated))
	for _, a := range c.annotated {
		s.AppendEmpty().SetStr(c.entry(a, n))
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

// spanRequired adds the required attributes a span lacks. A span
// convention applies when the span has its kind and carries one of its
// required attributes of its own namespace (scan noted those); an
// attribute is reported missing only if every applying convention
// requires it, so overlapping conventions (db.client and the per-system
// ones) never disagree into a false finding.
func (c *checker) spanRequired(attrs pcommon.Map, kind string) {
	first := -1
	for _, i := range c.anchors {
		if c.reg.Span(i).Kind == kind {
			first = i
			break
		}
	}
	if first < 0 {
		return
	}
	for _, r := range c.reg.Span(first).Required {
		if _, ok := attrs.Get(r); ok || !c.requiredByAll(r, kind) {
			continue
		}
		c.add(kRequiredNotPresent, r, "")
	}
}

func (c *checker) requiredByAll(attr, kind string) bool {
	for _, i := range c.anchors {
		s := c.reg.Span(i)
		if s.Kind == kind && !slices.Contains(s.Required, attr) {
			return false
		}
	}
	return true
}
