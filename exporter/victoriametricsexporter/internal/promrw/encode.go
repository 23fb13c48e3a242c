package promrw

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Exponential histogram conversions.
const (
	ExpHistogramBuckets = "buckets" // classic `le` buckets
	ExpHistogramVMRange = "vmrange" // VictoriaMetrics `vmrange` buckets
)

// Options shape the translation; see the exporter's README.
type Options struct {
	Namespace         string
	AddMetricSuffixes bool
	ExtraLabels       map[string]string
	// ResourceToLabels lists resource attributes copied onto every series;
	// "*" copies them all.
	ResourceToLabels []string
	TargetInfo       bool
	ExpHistogramMode string
	Exemplars        bool
}

// Drop reasons, counted per Encode call.
const (
	DropEmptyType         = iota // a metric with no data type
	DropDeltaStateFull           // a delta series beyond the state's bound
	DropNegativeBucket           // negative exp. histogram buckets in vmrange mode (the point is kept)
	DropDeltaLate                // a late delta point, folded into the total
	DropDeltaExpHistogram        // a delta exponential histogram: not accumulated yet, so not sent
	DropDeltaNaN                 // a delta value (or histogram sum) that is NaN or infinite: not added to the total
	dropReasons
)

// DropReasonNames names each drop reason for telemetry.
var DropReasonNames = [dropReasons]string{"empty_metric_type", "delta_state_full", "negative_exponential_buckets", "delta_late", "delta_exponential_histogram", "delta_not_finite"}

// Drops counts the points not sent as they came, by reason.
type Drops [dropReasons]int

// Encoder translates pdata metrics into a Batch. One Encoder must not be
// used by two goroutines at once; the DeltaState may be shared.
type Encoder struct {
	opts     Options
	deltas   *DeltaState
	names    *nameCache
	extra    []Label // sanitized extra_labels, sorted
	allRes   bool
	resAttrs map[string]bool

	// Labels come in layers; a higher one wins on a name both have:
	// extra_labels < attributes (point's and resource's copied ones) <
	// job, instance and the scope's labels < __name__ and le/quantile/vmrange.
	resSel    []attrLabel     // resource attributes copied to labels, sorted
	resKeys   map[string]bool // their keys: they win over point attributes
	ident     []Label         // job and instance, sorted
	over      []Label         // ident and the current scope's labels, sorted
	pts       []attrLabel     // attributes of the current data point
	attrs     []Label         // the attribute layer, collisions joined
	tmp       []Label
	base      []Label // all labels of the current data point, sorted
	digest    *xxhash.Digest
	scratch   []byte
	leCache   map[float64]string
	bounds    *boundCache
	drops     Drops
	now       int64
	lastTs    int64 // latest sample time of the current resource, ms
	xNext     bool  // the sample being emitted brings exemplars
	counts    []uint64
	key       uint64 // identity of the current data point
	seed      uint64 // identity of the current resource (all attributes) and scope
	scopeKey  uint64 // seed and the labels of the current resource and scope
	baseReady bool   // base holds the current data point's labels
	// pending holds the delta totals of this batch's streams until Settle.
	pending map[uint64]*pending
	spare   []*pending
	// groups maps a series' identity to its index in the batch, so that
	// the points of one series share one TimeSeries and its labels.
	groups map[uint64]int32
}

// attrLabel is an attribute before collisions are joined: its original
// key orders the values of keys that sanitize to the same name.
type attrLabel struct {
	key, name, value string
}

// NewEncoder returns an encoder; deltas holds delta-to-cumulative state.
func NewEncoder(o Options, deltas *DeltaState) *Encoder {
	e := &Encoder{opts: o, deltas: deltas, names: newNameCache(100_000), resAttrs: map[string]bool{},
		resKeys: map[string]bool{}, leCache: map[float64]string{}, bounds: newBoundCache(),
		digest: xxhash.New(), groups: map[uint64]int32{}, pending: map[uint64]*pending{}}
	// Keys that sanitize to one name join their values in key order, as
	// attributes do, so that a series never carries a label twice.
	var extra []attrLabel
	for k, v := range o.ExtraLabels {
		extra = append(extra, attrLabel{key: k, name: e.names.label(k), value: v})
	}
	sortAttrs(extra)
	e.extra = joinAttrs(&Batch{}, nil, extra, nil)
	for _, a := range o.ResourceToLabels {
		if a == "*" {
			e.allRes = true
		}
		e.resAttrs[a] = true
	}
	return e
}

// Encode appends the series of md to b and returns what it dropped. The
// delta totals it computes are kept only when Settle says they arrived; a
// batch not settled is forgotten by the next Encode.
func (e *Encoder) Encode(md pmetric.Metrics, b *Batch, now time.Time) Drops {
	e.Settle(retryAll)
	e.drops = Drops{}
	e.now = now.UnixNano()
	clear(e.groups)
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		e.resourceLabels(b, rm.Resource())
		e.lastTs = 0
		// Streams whose labels are the same are still told apart by the
		// resource's other attributes and the scope (delta state).
		resID := e.identity(0, rm.Resource().Attributes(), "", "")
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			sm := sms.At(j)
			sc := sm.Scope()
			e.seed = e.identity(resID, sc.Attributes(), sc.Name(), sc.Version())
			e.scopeLabels(b, sc)
			ms := sm.Metrics()
			for k := 0; k < ms.Len(); k++ {
				e.metric(b, ms.At(k))
			}
		}
		// After the metrics: target_info takes their latest time, as
		// contrib's does, and exists only for a resource with points.
		if e.opts.TargetInfo && e.lastTs != 0 {
			e.targetInfo(b, rm.Resource())
		}
	}
	clear(e.resSel)
	clear(e.pts)
	clear(e.attrs)
	clear(e.over)
	clear(e.base)
	clear(e.tmp)
	return e.drops
}

// resourceLabels sets job and instance, as the OTel spec maps them, and
// the resource attributes configured to become labels.
func (e *Encoder) resourceLabels(b *Batch, r pcommon.Resource) {
	e.ident = e.ident[:0]
	attrs := r.Attributes()
	if name, ok := attrs.Get("service.name"); ok && name.AsString() != "" {
		job := name.AsString()
		if ns, ok := attrs.Get("service.namespace"); ok {
			job = ns.AsString() + "/" + job
		}
		e.ident = append(e.ident, Label{Name: "job", Value: job})
	}
	if id, ok := attrs.Get("service.instance.id"); ok && id.AsString() != "" {
		e.ident = append(e.ident, Label{Name: "instance", Value: id.AsString()})
	}
	sortLabels(e.ident)
	e.resSel = e.resSel[:0]
	clear(e.resKeys)
	if e.allRes || len(e.resAttrs) > 0 {
		for k, v := range attrs.All() {
			if e.allRes || e.resAttrs[k] {
				e.resSel = append(e.resSel, attrLabel{key: k, name: e.names.label(k), value: e.value(b, v)})
				e.resKeys[k] = true
			}
		}
	}
	sortAttrs(e.resSel)
}

// scopeLabels sets the labels of an instrumentation scope: otel_scope_name,
// otel_scope_version and otel_scope_<attribute>, over job and instance.
func (e *Encoder) scopeLabels(b *Batch, s pcommon.InstrumentationScope) {
	e.over = append(e.over[:0], e.ident...)
	if s.Name() != "" {
		e.over = append(e.over, Label{Name: "otel_scope_name", Value: s.Name()})
	}
	if s.Version() != "" {
		e.over = append(e.over, Label{Name: "otel_scope_version", Value: s.Version()})
	}
	for k, v := range s.Attributes().All() {
		if k == "name" || k == "version" || k == "schema_url" {
			continue // would overwrite the scope's own fields
		}
		e.scratch = append(append(e.scratch[:0], "otel_scope_"...), k...)
		e.over = append(e.over, Label{Name: e.names.label(string(e.scratch)), Value: e.value(b, v)})
	}
	sortLabels(e.over)
	e.over = lastOfEachName(e.over)
	e.tmp = e.tmp[:0]
	for _, a := range e.resSel {
		e.tmp = append(e.tmp, Label{Name: a.key, Value: a.value})
	}
	e.scopeKey = e.hashLabels(e.hashLabels(e.seed, "", e.over), "", e.tmp)
}

// lastOfEachName keeps, of labels sorted stably by name, the last of each
// name: scope attributes that sanitize to one name (a.b, a_b) must give
// one label, and contrib keeps the last in the scope's order.
func lastOfEachName(l []Label) []Label {
	out := l[:0]
	for i := range l {
		if i+1 < len(l) && l[i+1].Name == l[i].Name {
			continue
		}
		out = append(out, l[i])
	}
	return out
}

// firstOfEachName keeps, of labels sorted stably by name, the first of
// each name, in place.
func firstOfEachName(l []Label) []Label {
	out := l[:0]
	for i := range l {
		if i > 0 && l[i-1].Name == l[i].Name {
			continue
		}
		out = append(out, l[i])
	}
	return out
}

func retryAll(uint64) bool { return true }

// Settle ends the batch last encoded: the delta totals of every stream
// whose data point key retry does not report (all, when retry is nil) are
// stored; the others are dropped, so that the points going back for a
// retry are encoded again from the same totals, to the same values.
func (e *Encoder) Settle(retry func(key uint64) bool) {
	if len(e.pending) == 0 {
		return
	}
	e.deltas.settle(e.pending, retry, e.now)
	for _, p := range e.pending {
		e.spare = append(e.spare, p)
	}
	clear(e.pending)
}

// identity hashes a seed, two strings and every attribute of m, in any
// order: it tells apart streams whose labels may be the same (resources
// that differ in attributes that are not labels, scopes).
func (e *Encoder) identity(seed uint64, m pcommon.Map, a, b string) uint64 {
	var attrs uint64
	for k, v := range m.All() {
		attrs += xxhash.Sum64String(k) ^ (xxhash.Sum64String(v.AsString()) * 0x9e3779b97f4a7c15)
	}
	d := e.digest
	d.Reset()
	var buf [16]byte
	binary.LittleEndian.PutUint64(buf[:8], seed)
	binary.LittleEndian.PutUint64(buf[8:], attrs)
	_, _ = d.Write(buf[:])
	_, _ = d.WriteString(a)
	_, _ = d.WriteString("\xff")
	_, _ = d.WriteString(b)
	return d.Sum64()
}

// hashLabels hashes a seed, a name and labels: the identity of a series.
// The parts are laid out in one buffer and hashed at once, which is much
// cheaper than one digest write per string.
func (e *Encoder) hashLabels(seed uint64, name string, ls []Label) uint64 {
	buf := binary.LittleEndian.AppendUint64(e.scratch[:0], seed)
	buf = append(buf, name...)
	for _, l := range ls {
		buf = append(append(append(append(buf, 0xff), l.Name...), 0xfe), l.Value...)
	}
	e.scratch = buf
	return xxhash.Sum64(buf)
}

// pointKey is the identity of a data point: its resource and scope (the
// seed, and the labels they give, hashed once per scope in scopeKey), its
// metric name and its own attributes. Equal inputs give equal labels, so
// equal keys mean one series.
func (e *Encoder) pointKey(name string) uint64 {
	buf := binary.LittleEndian.AppendUint64(e.scratch[:0], e.scopeKey)
	buf = append(buf, name...)
	for _, a := range e.pts {
		buf = append(append(append(append(buf, 0xff), a.key...), 0xfe), a.value...)
	}
	e.scratch = buf
	return xxhash.Sum64(buf)
}

// identifying resource attributes go to job/instance, not to target_info.
func identifying(k string) bool {
	return k == "service.name" || k == "service.namespace" || k == "service.instance.id"
}

// targetInfo sends the resource's attributes as target_info, built by the
// same layers as a series' labels (without the scope's), so an attribute
// reads the same on both.
func (e *Encoder) targetInfo(b *Batch, r pcommon.Resource) {
	if len(e.ident) == 0 {
		return // nothing to join it on
	}
	e.pts = e.pts[:0]
	for k, v := range r.Attributes().All() {
		if !identifying(k) {
			e.pts = append(e.pts, attrLabel{key: k, name: e.names.label(k), value: e.value(b, v)})
		}
	}
	if len(e.pts) == 0 {
		return // nothing beyond job and instance: no target_info
	}
	sortAttrs(e.pts)
	e.attrs = joinAttrs(b, e.attrs[:0], e.pts, nil)
	e.layer(e.ident)
	e.baseReady = true
	name := "target_info"
	if e.opts.Namespace != "" {
		name = e.names.metric(e.opts.Namespace, "target_info", "", kindGauge, false)
	}
	e.key = e.hashLabels(0, name, e.base)
	e.emit(b, name, Label{}, 1, e.lastTs)
}

// value returns an attribute value as a label value, formatted as pdata's
// AsString formats it (as contrib does), into the batch arena rather than
// allocating.
func (e *Encoder) value(b *Batch, v pcommon.Value) string {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str()
	case pcommon.ValueTypeInt:
		e.scratch = strconv.AppendInt(e.scratch[:0], v.Int(), 10)
	case pcommon.ValueTypeDouble:
		e.scratch = appendDouble(e.scratch[:0], v.Double())
	case pcommon.ValueTypeBool:
		e.scratch = strconv.AppendBool(e.scratch[:0], v.Bool())
	default:
		return v.AsString()
	}
	return b.str(e.scratch)
}

// appendDouble formats f as JavaScript (and pcommon's AsString) do:
// plain digits from 1e-6 up to 1e21, an exponent without padding outside.
func appendDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		dst = strconv.AppendFloat(dst, f, 'e', -1, 64)
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1] // e-07 -> e-7
			dst = dst[:n-1]
		}
		return dst
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

// pointLabels builds the sorted base labels of a data point from its
// attributes and the layers around them. It also sets the point's
// identity (its name and labels), which picks its shard and keys its
// delta state.
func (e *Encoder) pointLabels(b *Batch, name string, attrs pcommon.Map) {
	e.pts = e.pts[:0]
	for k, v := range attrs.All() {
		if len(e.resKeys) > 0 && e.resKeys[k] {
			continue // the resource's value of the same key wins, as in contrib
		}
		e.pts = append(e.pts, attrLabel{key: k, name: e.names.label(k), value: e.value(b, v)})
	}
	sortAttrs(e.pts)
	e.baseReady = false // built in emit, only when a new series needs it
	e.key = e.pointKey(name)
	b.PointKeys = append(b.PointKeys, e.key)
}

// buildBase sets e.base for the current data point: its attributes joined
// with the resource's copied ones, under the resource's and scope's labels.
func (e *Encoder) buildBase(b *Batch) {
	e.attrs = joinAttrs(b, e.attrs[:0], e.pts, e.resSel)
	e.layer(e.over)
	e.baseReady = true
}

// layer sets e.base to extra_labels under e.attrs under top.
func (e *Encoder) layer(top []Label) {
	if len(e.extra) == 0 {
		e.base = overlay(e.base[:0], e.attrs, top)
		return
	}
	e.tmp = overlay(e.tmp[:0], e.attrs, top)
	e.base = overlay(e.base[:0], e.extra, e.tmp)
}

// sortLabels sorts labels by name (insertion sort: few labels, no
// allocation).
func sortLabels(l []Label) {
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && l[j].Name < l[j-1].Name; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}

// sortAttrs sorts attributes by label name, then by original key.
func sortAttrs(l []attrLabel) {
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && attrLess(l[j], l[j-1]); j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}

func attrLess(a, b attrLabel) bool {
	return a.name < b.name || (a.name == b.name && a.key < b.key)
}

// joinAttrs merges two sorted attribute lists into labels. Empty values
// are left out; keys that sanitize to the same name join their values
// with ';' in the order of the original keys, as the OTel spec says (a
// value equal to what is already there is not repeated, as in contrib).
func joinAttrs(b *Batch, dst []Label, x, y []attrLabel) []Label {
	add := func(a attrLabel) {
		if a.value == "" {
			return
		}
		n := len(dst)
		if n == 0 || dst[n-1].Name != a.name {
			dst = append(dst, Label{Name: a.name, Value: a.value})
			return
		}
		if dst[n-1].Value == a.value {
			return
		}
		dst[n-1].Value = b.str(append(append(append([]byte(nil), dst[n-1].Value...), ';'), a.value...))
	}
	for len(x) > 0 && len(y) > 0 {
		if attrLess(y[0], x[0]) {
			add(y[0])
			y = y[1:]
		} else {
			add(x[0])
			x = x[1:]
		}
	}
	for _, a := range x {
		add(a)
	}
	for _, a := range y {
		add(a)
	}
	return dst
}

// overlay appends the union of two sorted label lists to dst, sorted; on
// a name both have, the one from top wins.
func overlay(dst, low, top []Label) []Label {
	for len(low) > 0 && len(top) > 0 {
		switch {
		case low[0].Name < top[0].Name:
			dst, low = append(dst, low[0]), low[1:]
		case low[0].Name > top[0].Name:
			dst, top = append(dst, top[0]), top[1:]
		default:
			dst, low, top = append(dst, top[0]), low[1:], top[1:]
		}
	}
	dst = append(dst, low...)
	return append(dst, top...)
}

// emit appends one series: the base labels with __name__ and an optional
// extra label (le, quantile, vmrange) merged in sorted order; these win
// over a base label of the same name.
func (e *Encoder) emit(b *Batch, name string, extra Label, v float64, tsMs int64) *Series {
	if tsMs > e.lastTs {
		e.lastTs = tsMs
	}
	// A series met before in this batch takes one more sample, unless
	// this sample brings exemplars and the series' exemplars can no longer
	// grow (another series' came after them).
	g := e.key ^ xxhash.Sum64String(name) ^ (xxhash.Sum64String(extra.Value) * 31)
	if i, ok := e.groups[g]; ok && (!e.xNext || b.exemplarsAtEnd(i)) {
		b.addSample(i, v, tsMs)
		return &b.Series[i]
	}
	e.groups[g] = int32(len(b.Series))
	if !e.baseReady {
		e.buildBase(b)
	}
	start := int32(len(b.labels))
	specials := [2]Label{{Name: "__name__", Value: name}, extra}
	ns := 1
	if extra.Name != "" {
		ns = 2
		if extra.Name < specials[0].Name {
			specials[0], specials[1] = specials[1], specials[0]
		}
	}
	si := 0
	for _, l := range e.base {
		for si < ns && specials[si].Name < l.Name {
			b.labels = append(b.labels, specials[si])
			si++
		}
		if l.Value == "" || (si < ns && specials[si].Name == l.Name) {
			continue // an empty label is no label; a special one wins
		}
		b.labels = append(b.labels, l)
	}
	b.labels = append(b.labels, specials[si:ns]...)
	b.Series = append(b.Series, Series{Shard: e.key, Value: v, Timestamp: tsMs, lStart: start, lEnd: int32(len(b.labels))})
	s := &b.Series[len(b.Series)-1]
	b.seriesSize(s)
	return s
}

func (e *Encoder) metric(b *Batch, m pmetric.Metric) {
	o := &e.opts
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		name := e.names.metric(o.Namespace, m.Name(), m.Unit(), kindGauge, o.AddMetricSuffixes)
		dps := m.Gauge().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			e.number(b, name, dps.At(i), false, false)
		}
	case pmetric.MetricTypeSum:
		s := m.Sum()
		k := kindUpDown
		if s.IsMonotonic() {
			k = kindCounter
		}
		name := e.names.metric(o.Namespace, m.Name(), m.Unit(), k, o.AddMetricSuffixes)
		delta := s.AggregationTemporality() == pmetric.AggregationTemporalityDelta
		dps := s.DataPoints()
		for i := 0; i < dps.Len(); i++ {
			e.number(b, name, dps.At(i), delta, k == kindCounter)
		}
	case pmetric.MetricTypeHistogram:
		name := e.names.metric(o.Namespace, m.Name(), m.Unit(), kindHistogram, o.AddMetricSuffixes)
		h := m.Histogram()
		delta := h.AggregationTemporality() == pmetric.AggregationTemporalityDelta
		dps := h.DataPoints()
		for i := 0; i < dps.Len(); i++ {
			e.histogram(b, name, dps.At(i), delta)
		}
	case pmetric.MetricTypeExponentialHistogram:
		name := e.names.metric(o.Namespace, m.Name(), m.Unit(), kindHistogram, o.AddMetricSuffixes)
		dps := m.ExponentialHistogram().DataPoints()
		if m.ExponentialHistogram().AggregationTemporality() == pmetric.AggregationTemporalityDelta {
			// Sending deltas as cumulative counts would be wrong data.
			// Each point still leaves a key, which no series carries.
			e.drops[DropDeltaExpHistogram] += dps.Len()
			for range dps.Len() {
				b.PointKeys = append(b.PointKeys, 0)
			}
			return
		}
		for i := 0; i < dps.Len(); i++ {
			e.expHistogram(b, name, dps.At(i))
		}
	case pmetric.MetricTypeSummary:
		name := e.names.metric(o.Namespace, m.Name(), m.Unit(), kindSummary, o.AddMetricSuffixes)
		dps := m.Summary().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			e.summary(b, name, dps.At(i))
		}
	default:
		e.drops[DropEmptyType]++
	}
}

func (e *Encoder) tsMs(ts pcommon.Timestamp) int64 {
	if ts == 0 {
		return e.now / 1e6
	}
	return int64(ts) / 1e6
}

// number writes a gauge or sum point. Exemplars go with counters only,
// as OpenMetrics allows them (and contrib sends them).
func (e *Encoder) number(b *Batch, name string, dp pmetric.NumberDataPoint, delta, counter bool) {
	var v float64
	if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
		v = float64(dp.IntValue())
	} else {
		v = dp.DoubleValue()
	}
	e.pointLabels(b, name, dp.Attributes())
	if delta && !dp.Flags().NoRecordedValue() {
		t := e.stream(dp.StartTimestamp(), dp.Timestamp())
		if t == nil {
			return
		}
		if !finite(v) {
			// The interval is covered, its value unknown: the total stays.
			e.drops[DropDeltaNaN]++
			return
		}
		t.sum += v
		v = t.sum
	}
	if dp.Flags().NoRecordedValue() {
		v = staleNaN
	}
	if counter {
		e.emitX(b, name, Label{}, v, e.tsMs(dp.Timestamp()), dp.Exemplars(), math.Inf(-1), math.Inf(1))
	} else {
		e.emit(b, name, Label{}, v, e.tsMs(dp.Timestamp()))
	}
}

// Delta streams of a histogram are salted apart from those of a sum: a
// sum and a histogram of one name, scope and attributes are two metrics
// (their series differ) and must not share totals.
const (
	sumStream  uint64 = 0
	histStream uint64 = 0x9e3779b97f4a7c15
)

// pendingFor returns this batch's totals of the current stream (of kind
// sumStream or histStream), loaded from the state on first use; nil
// (counted) when the state is full.
func (e *Encoder) pendingFor(kind uint64) *totals {
	key := e.key ^ kind
	if p := e.pending[key]; p != nil {
		return &p.totals
	}
	var p *pending
	if n := len(e.spare); n > 0 {
		p, e.spare = e.spare[n-1], e.spare[:n-1]
	} else {
		p = &pending{}
	}
	if !e.deltas.load(key, e.now, p) {
		e.spare = append(e.spare, p)
		e.drops[DropDeltaStateFull]++
		return nil
	}
	p.point = e.key // what a retry reports
	e.pending[key] = p
	return &p.totals
}

// stream returns the current stream's totals, advanced to a point covering
// (start, ts]; nil (counted) when the point is late or the state is full.
func (e *Encoder) stream(start, ts pcommon.Timestamp) *totals {
	t := e.pendingFor(sumStream)
	if t == nil {
		return nil
	}
	return e.advance(t, start, ts)
}

func (e *Encoder) advance(t *totals, start, ts pcommon.Timestamp) *totals {
	if t.advance(int64(start), e.end(ts)) == deltaLate {
		e.drops[DropDeltaLate]++
		return nil
	}
	return t
}

// end is a point's timestamp in ns; now when it has none.
func (e *Encoder) end(ts pcommon.Timestamp) int64 {
	if ts == 0 {
		return e.now
	}
	return int64(ts)
}

// late reports, and counts, a point not newer than the stream's last one.
func (e *Encoder) late(t *totals, ts pcommon.Timestamp) bool {
	if t.has && e.end(ts) <= t.lastTS {
		e.drops[DropDeltaLate]++
		return true
	}
	return false
}

func (e *Encoder) le(b *Batch, bound float64) string {
	if s, ok := e.leCache[bound]; ok {
		return s
	}
	s := strconv.FormatFloat(bound, 'f', -1, 64) // as contrib formats le and quantile
	if len(e.leCache) < 10_000 {
		e.leCache[bound] = s
	}
	return s
}

func (e *Encoder) histogram(b *Batch, name string, dp pmetric.HistogramDataPoint, delta bool) {
	e.pointLabels(b, name, dp.Attributes())
	count, sum := dp.Count(), dp.Sum()
	e.counts = e.counts[:0] // copied into a reused slice: AsRaw would allocate per point
	for _, c := range dp.BucketCounts().All() {
		e.counts = append(e.counts, c)
	}
	buckets := e.counts
	if delta && !dp.Flags().NoRecordedValue() {
		t := e.pendingFor(histStream)
		if t == nil {
			return
		}
		if !t.sameLayout(dp.ExplicitBounds(), len(buckets)) {
			if e.late(t, dp.Timestamp()) {
				return // a late point does not restart the stream
			}
			t.setLayout(dp.ExplicitBounds(), len(buckets)) // a new layout starts the stream again
		}
		if e.advance(t, dp.StartTimestamp(), dp.Timestamp()) == nil {
			return
		}
		t.count += count
		for i, c := range buckets {
			t.buckets[i] += c
		}
		if finite(sum) {
			t.sum += sum
		} else {
			e.drops[DropDeltaNaN]++
		}
		count, sum, buckets = t.count, t.sum, t.buckets
	}
	ts := e.tsMs(dp.Timestamp())
	val := staleIf(dp.Flags().NoRecordedValue())
	bucketName, sumName, countName := e.suffixed(name)
	bounds := dp.ExplicitBounds()
	var cum uint64
	lo := math.Inf(-1)
	for i := 0; i < bounds.Len() && i < len(buckets); i++ {
		cum += buckets[i]
		hi := bounds.At(i)
		e.emitX(b, bucketName, Label{Name: "le", Value: e.le(b, hi)}, val(float64(cum)), ts, dp.Exemplars(), lo, hi)
		lo = hi
	}
	e.emitX(b, bucketName, Label{Name: "le", Value: "+Inf"}, val(float64(count)), ts, dp.Exemplars(), lo, math.Inf(1))
	if dp.HasSum() { // no sum: no _sum, delta or not
		e.emit(b, sumName, Label{}, val(sum), ts)
	}
	e.emit(b, countName, Label{}, val(float64(count)), ts)
}

// suffixed returns the _bucket, _sum and _count names of a histogram,
// built once per name in the cache.
func (e *Encoder) suffixed(name string) (string, string, string) {
	return e.names.derived(name, "_bucket"), e.names.derived(name, "_sum"), e.names.derived(name, "_count")
}

// staleIf returns a function that turns every value into the staleness
// marker when the point has no recorded value.
func staleIf(stale bool) func(float64) float64 {
	if stale {
		return func(float64) float64 { return staleNaN }
	}
	return func(v float64) float64 { return v }
}

func (e *Encoder) summary(b *Batch, name string, dp pmetric.SummaryDataPoint) {
	e.pointLabels(b, name, dp.Attributes())
	ts := e.tsMs(dp.Timestamp())
	val := staleIf(dp.Flags().NoRecordedValue())
	qs := dp.QuantileValues()
	for i := 0; i < qs.Len(); i++ {
		q := qs.At(i)
		e.emit(b, name, Label{Name: "quantile", Value: e.le(b, q.Quantile())}, val(q.Value()), ts)
	}
	_, sumName, countName := e.suffixed(name)
	e.emit(b, sumName, Label{}, val(dp.Sum()), ts)
	e.emit(b, countName, Label{}, val(float64(dp.Count())), ts)
}

func (e *Encoder) expHistogram(b *Batch, name string, dp pmetric.ExponentialHistogramDataPoint) {
	e.pointLabels(b, name, dp.Attributes())
	ts := e.tsMs(dp.Timestamp())
	val := staleIf(dp.Flags().NoRecordedValue())
	bucketName, sumName, countName := e.suffixed(name)
	if e.opts.ExpHistogramMode == ExpHistogramVMRange {
		e.vmrange(b, bucketName, dp, val, ts)
	} else {
		e.expBuckets(b, bucketName, dp, val, ts)
	}
	if dp.HasSum() {
		e.emit(b, sumName, Label{}, val(dp.Sum()), ts)
	}
	e.emit(b, countName, Label{}, val(float64(dp.Count())), ts)
}

// expBuckets writes an exponential histogram as cumulative le buckets.
// Negative values and zeros fall in the first bucket, le = zero threshold.
// A bound that rounds to one already written (underflow) or overflows to
// +Inf adds its count to the next bucket instead of repeating a label.
func (e *Encoder) expBuckets(b *Batch, name string, dp pmetric.ExponentialHistogramDataPoint, val func(float64) float64, ts int64) {
	var cum uint64
	for _, c := range dp.Negative().BucketCounts().All() {
		cum += c
	}
	cum += dp.ZeroCount()
	last := dp.ZeroThreshold()
	e.emit(b, name, Label{Name: "le", Value: e.le(b, last)}, val(float64(cum)), ts)
	pos := dp.Positive()
	scale, off := dp.Scale(), int64(pos.Offset())
	for i, c := range pos.BucketCounts().All() {
		cum += c
		upper := e.bounds.pow2(scale, off+int64(i)+1)
		if math.IsInf(upper, 1) {
			break
		}
		if upper <= last {
			continue
		}
		last = upper
		e.emit(b, name, Label{Name: "le", Value: e.le(b, upper)}, val(float64(cum)), ts)
	}
	e.emit(b, name, Label{Name: "le", Value: "+Inf"}, val(float64(dp.Count())), ts)
}

// vmrange writes VictoriaMetrics histogram buckets: one non-cumulative
// series per non-empty bucket, labelled vmrange="lower...upper".
func (e *Encoder) vmrange(b *Batch, name string, dp pmetric.ExponentialHistogramDataPoint, val func(float64) float64, ts int64) {
	if z := dp.ZeroCount(); z > 0 {
		e.emit(b, name, Label{Name: "vmrange", Value: "0...0"}, val(float64(z)), ts)
	}
	if dp.Negative().BucketCounts().Len() > 0 {
		e.drops[DropNegativeBucket]++
	}
	pos := dp.Positive()
	scale, off := dp.Scale(), int64(pos.Offset())
	for i, c := range pos.BucketCounts().All() {
		if c == 0 {
			continue
		}
		lo, hi := e.bounds.pow2(scale, off+int64(i)), e.bounds.pow2(scale, off+int64(i)+1)
		e.scratch = strconv.AppendFloat(e.scratch[:0], lo, 'e', 3, 64)
		e.scratch = append(e.scratch, "..."...)
		e.scratch = strconv.AppendFloat(e.scratch, hi, 'e', 3, 64)
		e.emit(b, name, Label{Name: "vmrange", Value: b.str(e.scratch)}, val(float64(c)), ts)
	}
}

// emitX emits a sample with the exemplars whose value lies in (lo, hi].
func (e *Encoder) emitX(b *Batch, name string, extra Label, v float64, tsMs int64, xs pmetric.ExemplarSlice, lo, hi float64) {
	e.xNext = e.opts.Exemplars && anyIn(xs, lo, hi)
	s := e.emit(b, name, extra, v, tsMs)
	if e.xNext {
		e.exemplars(b, s, xs, hi, lo)
		e.xNext = false
	}
}

// exemplarValue is an exemplar's value as a float.
func exemplarValue(x pmetric.Exemplar) float64 {
	if x.ValueType() == pmetric.ExemplarValueTypeInt {
		return float64(x.IntValue())
	}
	return x.DoubleValue()
}

// inRange reports whether v belongs to (lo, hi]; with no bounds at all
// (a counter) every exemplar does.
func inRange(v, lo, hi float64) bool {
	return (math.IsInf(hi, 1) && math.IsInf(lo, -1)) || (v > lo && v <= hi) // NaN belongs to no bucket
}

func anyIn(xs pmetric.ExemplarSlice, lo, hi float64) bool {
	for i := 0; i < xs.Len(); i++ {
		if inRange(exemplarValue(xs.At(i)), lo, hi) {
			return true
		}
	}
	return false
}

// exemplars attaches the exemplars whose value lies in (lo, hi] to s,
// with their trace and span ids and, within OpenMetrics's 128-rune
// budget for exemplar labels, their filtered attributes (as contrib).
func (e *Encoder) exemplars(b *Batch, s *Series, xs pmetric.ExemplarSlice, hi, lo float64) {
	if s.xStart == s.xEnd {
		s.xStart = int32(len(b.exemplars)) // else they follow the series' last ones (exemplarsAtEnd)
	}
	for i := 0; i < xs.Len(); i++ {
		x := xs.At(i)
		v := exemplarValue(x)
		if !inRange(v, lo, hi) {
			continue
		}
		start := int32(len(b.labels))
		e.exemplarIDs(b, x)
		for k, av := range x.FilteredAttributes().All() {
			if l := (Label{Name: e.names.label(k), Value: e.value(b, av)}); l.Value != "" {
				b.labels = append(b.labels, l)
			}
		}
		// Stable: of labels given one name twice (sanitized keys that
		// collide, an attribute named trace_id) the first stays: the ids.
		ls := b.labels[start:]
		slices.SortStableFunc(ls, func(a, c Label) int { return strings.Compare(a.Name, c.Name) })
		n := len(firstOfEachName(ls))
		runes := 0
		for _, l := range ls[:n] {
			runes += utf8.RuneCountInString(l.Name) + utf8.RuneCountInString(l.Value)
		}
		clear(ls[n:])
		b.labels = b.labels[:int(start)+n]
		if runes > maxExemplarRunes { // over budget: the ids only
			clear(ls[:n])
			b.labels = b.labels[:start]
			e.exemplarIDs(b, x)
		}
		b.exemplars = append(b.exemplars, exemplar{lStart: start, lEnd: int32(len(b.labels)), value: v, timestamp: e.tsMs(x.Timestamp())})
	}
	s.xEnd = int32(len(b.exemplars))
	b.seriesSize(s)
}

// exemplarIDs appends an exemplar's span_id and trace_id labels, sorted.
func (e *Encoder) exemplarIDs(b *Batch, x pmetric.Exemplar) {
	if sid := x.SpanID(); !sid.IsEmpty() {
		e.scratch = appendHex(e.scratch[:0], sid[:])
		b.labels = append(b.labels, Label{Name: "span_id", Value: b.str(e.scratch)})
	}
	if tid := x.TraceID(); !tid.IsEmpty() {
		e.scratch = appendHex(e.scratch[:0], tid[:])
		b.labels = append(b.labels, Label{Name: "trace_id", Value: b.str(e.scratch)})
	}
}

// maxExemplarRunes is OpenMetrics's limit on an exemplar's label set.
const maxExemplarRunes = 128

func appendHex(dst, p []byte) []byte {
	const digits = "0123456789abcdef"
	for _, c := range p {
		dst = append(dst, digits[c>>4], digits[c&0xf])
	}
	return dst
}
