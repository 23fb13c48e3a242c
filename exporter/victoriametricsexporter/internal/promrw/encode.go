package promrw

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

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
	extra    []Label // sanitized extra_labels
	allRes   bool
	resAttrs map[string]bool

	res     []Label // labels of the current resource, sorted
	resHash uint64  // hash of res
	attrs   []Label // attribute labels of the current data point, sorted
	base    []Label // all labels of the current data point, sorted
	tmp     []Label
	digest  *xxhash.Digest
	scratch []byte
	leCache map[float64]string
	drops   Drops
	now     int64
	key     uint64 // identity of the current data point
	seed    uint64 // identity of the current resource (all attributes) and scope
	// pending holds the delta totals of this batch's streams until Settle.
	pending map[uint64]*pending
	spare   []*pending
	// groups maps a series' identity to its index in the batch, so that
	// the points of one series share one TimeSeries and its labels.
	groups map[uint64]int32
}

// NewEncoder returns an encoder; deltas holds delta-to-cumulative state.
func NewEncoder(o Options, deltas *DeltaState) *Encoder {
	e := &Encoder{opts: o, deltas: deltas, names: newNameCache(100_000), resAttrs: map[string]bool{},
		leCache: map[float64]string{}, digest: xxhash.New(), groups: map[uint64]int32{}, pending: map[uint64]*pending{}}
	for k, v := range o.ExtraLabels {
		e.extra = append(e.extra, Label{Name: e.names.label(k), Value: v})
	}
	e.extra = sortLabels(e.extra)
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
		e.resourceLabels(rm.Resource())
		if e.opts.TargetInfo && rm.ScopeMetrics().Len() > 0 {
			e.targetInfo(b, rm.Resource())
		}
		resID := e.identity(e.resHash, rm.Resource().Attributes(), "", "")
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			sc := sms.At(j).Scope()
			e.seed = e.identity(resID, sc.Attributes(), sc.Name(), sc.Version())
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				e.metric(b, ms.At(k))
			}
		}
	}
	clear(e.res)
	clear(e.attrs)
	clear(e.base)
	clear(e.tmp)
	return e.drops
}

// resourceLabels sets job and instance, as the OTel spec maps them, plus
// the resource attributes configured to become labels.
func (e *Encoder) resourceLabels(r pcommon.Resource) {
	e.res = e.res[:0]
	attrs := r.Attributes()
	if name, ok := attrs.Get("service.name"); ok {
		job := name.AsString()
		if ns, ok := attrs.Get("service.namespace"); ok && ns.AsString() != "" {
			job = ns.AsString() + "/" + job
		}
		e.res = append(e.res, Label{Name: "job", Value: job})
	}
	if id, ok := attrs.Get("service.instance.id"); ok {
		e.res = append(e.res, Label{Name: "instance", Value: id.AsString()})
	}
	if e.allRes || len(e.resAttrs) > 0 {
		for k, v := range attrs.All() {
			if e.allRes || e.resAttrs[k] {
				e.res = append(e.res, Label{Name: e.names.label(k), Value: v.AsString()})
			}
		}
	}
	e.res = sortLabels(e.res)
	e.resHash = e.hashLabels(0, "", e.res)
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
func (e *Encoder) hashLabels(seed uint64, name string, ls []Label) uint64 {
	d := e.digest
	d.Reset()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	_, _ = d.Write(b[:])
	_, _ = d.WriteString(name)
	for _, l := range ls {
		_, _ = d.WriteString("\xff")
		_, _ = d.WriteString(l.Name)
		_, _ = d.WriteString("\xfe")
		_, _ = d.WriteString(l.Value)
	}
	return d.Sum64()
}

// identifying resource attributes go to job/instance, not to target_info.
func identifying(k string) bool {
	return k == "service.name" || k == "service.namespace" || k == "service.instance.id"
}

func (e *Encoder) targetInfo(b *Batch, r pcommon.Resource) {
	e.base = e.base[:0]
	for _, l := range e.res {
		if l.Name == "job" || l.Name == "instance" {
			e.base = append(e.base, l)
		}
	}
	n := len(e.base)
	for k, v := range r.Attributes().All() {
		if !identifying(k) {
			e.base = append(e.base, Label{Name: e.names.label(k), Value: e.value(b, v)})
		}
	}
	if len(e.base) == n {
		return // nothing beyond job and instance: no target_info
	}
	e.base = sortLabels(e.base)
	name := "target_info"
	if e.opts.Namespace != "" {
		name = e.names.metric(e.opts.Namespace, "target_info", "", false, false, false)
	}
	e.key = e.hashLabels(e.resHash, name, nil)
	e.emit(b, name, Label{}, 1, e.now/1e6)
}

// value returns an attribute value as a label value, formatting non-string
// values into the batch arena rather than allocating.
func (e *Encoder) value(b *Batch, v pcommon.Value) string {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str()
	case pcommon.ValueTypeInt:
		e.scratch = strconv.AppendInt(e.scratch[:0], v.Int(), 10)
	case pcommon.ValueTypeDouble:
		e.scratch = strconv.AppendFloat(e.scratch[:0], v.Double(), 'g', -1, 64)
	case pcommon.ValueTypeBool:
		e.scratch = strconv.AppendBool(e.scratch[:0], v.Bool())
	default:
		return v.AsString()
	}
	return b.str(e.scratch)
}

// pointLabels builds the sorted base labels of a data point: resource
// labels, its attributes and the configured extra labels, each sorted on
// its own and merged. It also sets the point's identity, which picks its
// shard and keys its delta state.
func (e *Encoder) pointLabels(b *Batch, name string, attrs pcommon.Map) {
	e.attrs = e.attrs[:0]
	for k, v := range attrs.All() {
		e.attrs = append(e.attrs, Label{Name: e.names.label(k), Value: e.value(b, v)})
	}
	e.attrs = sortLabels(e.attrs)
	e.base = merge(e.base[:0], e.res, e.attrs)
	if len(e.extra) > 0 {
		e.tmp = append(e.tmp[:0], e.base...)
		e.base = merge(e.base[:0], e.tmp, e.extra)
	}
	e.key = e.hashLabels(e.seed, name, e.attrs)
	b.PointKeys = append(b.PointKeys, e.key)
}

// sortLabels sorts labels by name and joins the values of names that
// collide after sanitizing with ';', as the OTel spec says.
func sortLabels(l []Label) []Label {
	for i := 1; i < len(l); i++ { // insertion sort: few labels, no allocation
		for j := i; j > 0 && l[j].Name < l[j-1].Name; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
	return joinDuplicates(l)
}

func joinDuplicates(l []Label) []Label {
	out := l[:0]
	for _, x := range l {
		if n := len(out); n > 0 && out[n-1].Name == x.Name {
			out[n-1].Value += ";" + x.Value
			continue
		}
		out = append(out, x)
	}
	return out
}

// merge appends the union of two sorted label lists to dst, sorted.
func merge(dst, a, b []Label) []Label {
	for len(a) > 0 && len(b) > 0 {
		if b[0].Name < a[0].Name {
			dst, b = append(dst, b[0]), b[1:]
		} else {
			dst, a = append(dst, a[0]), a[1:]
		}
	}
	dst = append(dst, a...)
	return joinDuplicates(append(dst, b...))
}

// emit appends one series: the base labels with __name__ and an optional
// extra label (le, quantile, vmrange) merged in sorted order.
func (e *Encoder) emit(b *Batch, name string, extra Label, v float64, tsMs int64) *Series {
	if !e.opts.Exemplars {
		// A series met before in this batch takes one more sample.
		g := e.key ^ xxhash.Sum64String(name) ^ (xxhash.Sum64String(extra.Value) * 31)
		if i, ok := e.groups[g]; ok {
			b.addSample(i, v, tsMs)
			return &b.Series[i]
		}
		e.groups[g] = int32(len(b.Series))
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
		if l.Value == "" {
			continue // an empty label is the same as no label
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
		name := e.names.metric(o.Namespace, m.Name(), m.Unit(), false, true, o.AddMetricSuffixes)
		dps := m.Gauge().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			e.number(b, name, dps.At(i), false)
		}
	case pmetric.MetricTypeSum:
		s := m.Sum()
		mono := s.IsMonotonic()
		name := e.names.metric(o.Namespace, m.Name(), m.Unit(), mono, !mono, o.AddMetricSuffixes)
		delta := s.AggregationTemporality() == pmetric.AggregationTemporalityDelta
		dps := s.DataPoints()
		for i := 0; i < dps.Len(); i++ {
			e.number(b, name, dps.At(i), delta)
		}
	case pmetric.MetricTypeHistogram:
		name := e.names.metric(o.Namespace, m.Name(), m.Unit(), false, false, o.AddMetricSuffixes)
		h := m.Histogram()
		delta := h.AggregationTemporality() == pmetric.AggregationTemporalityDelta
		dps := h.DataPoints()
		for i := 0; i < dps.Len(); i++ {
			e.histogram(b, name, dps.At(i), delta)
		}
	case pmetric.MetricTypeExponentialHistogram:
		name := e.names.metric(o.Namespace, m.Name(), m.Unit(), false, false, o.AddMetricSuffixes)
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
		name := e.names.metric(o.Namespace, m.Name(), m.Unit(), false, false, o.AddMetricSuffixes)
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

func (e *Encoder) number(b *Batch, name string, dp pmetric.NumberDataPoint, delta bool) {
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
	s := e.emit(b, name, Label{}, v, e.tsMs(dp.Timestamp()))
	if e.opts.Exemplars {
		e.exemplars(b, s, dp.Exemplars(), math.Inf(1), math.Inf(-1))
	}
}

// pendingFor returns this batch's totals of the current stream, loaded
// from the state on first use; nil (counted) when the state is full.
func (e *Encoder) pendingFor() *totals {
	if p := e.pending[e.key]; p != nil {
		return &p.totals
	}
	var p *pending
	if n := len(e.spare); n > 0 {
		p, e.spare = e.spare[n-1], e.spare[:n-1]
	} else {
		p = &pending{}
	}
	if !e.deltas.load(e.key, e.now, p) {
		e.spare = append(e.spare, p)
		e.drops[DropDeltaStateFull]++
		return nil
	}
	e.pending[e.key] = p
	return &p.totals
}

// stream returns the current stream's totals, advanced to a point covering
// (start, ts]; nil (counted) when the point is late or the state is full.
func (e *Encoder) stream(start, ts pcommon.Timestamp) *totals {
	t := e.pendingFor()
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
	s := strconv.FormatFloat(bound, 'g', -1, 64)
	if len(e.leCache) < 10_000 {
		e.leCache[bound] = s
	}
	return s
}

func (e *Encoder) histogram(b *Batch, name string, dp pmetric.HistogramDataPoint, delta bool) {
	e.pointLabels(b, name, dp.Attributes())
	count, sum := dp.Count(), dp.Sum()
	buckets := dp.BucketCounts().AsRaw()
	if delta && !dp.Flags().NoRecordedValue() {
		t := e.pendingFor()
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
	stale := dp.Flags().NoRecordedValue()
	val := func(v float64) float64 {
		if stale {
			return staleNaN
		}
		return v
	}
	bucketName, sumName, countName := e.suffixed(name)
	bounds := dp.ExplicitBounds()
	var cum uint64
	for i := 0; i < bounds.Len() && i < len(buckets); i++ {
		cum += buckets[i]
		s := e.emit(b, bucketName, Label{Name: "le", Value: e.le(b, bounds.At(i))}, val(float64(cum)), ts)
		if e.opts.Exemplars {
			lo := math.Inf(-1)
			if i > 0 {
				lo = bounds.At(i - 1)
			}
			e.exemplars(b, s, dp.Exemplars(), bounds.At(i), lo)
		}
	}
	e.emit(b, bucketName, Label{Name: "le", Value: "+Inf"}, val(float64(count)), ts)
	if dp.HasSum() || delta {
		e.emit(b, sumName, Label{}, val(sum), ts)
	}
	e.emit(b, countName, Label{}, val(float64(count)), ts)
}

// suffixed returns the _bucket, _sum and _count names of a histogram,
// built once per name in the cache.
func (e *Encoder) suffixed(name string) (string, string, string) {
	return e.names.derived(name, "_bucket"), e.names.derived(name, "_sum"), e.names.derived(name, "_count")
}

func (e *Encoder) summary(b *Batch, name string, dp pmetric.SummaryDataPoint) {
	e.pointLabels(b, name, dp.Attributes())
	ts := e.tsMs(dp.Timestamp())
	qs := dp.QuantileValues()
	for i := 0; i < qs.Len(); i++ {
		q := qs.At(i)
		e.emit(b, name, Label{Name: "quantile", Value: e.le(b, q.Quantile())}, q.Value(), ts)
	}
	_, sumName, countName := e.suffixed(name)
	e.emit(b, sumName, Label{}, dp.Sum(), ts)
	e.emit(b, countName, Label{}, float64(dp.Count()), ts)
}

func (e *Encoder) expHistogram(b *Batch, name string, dp pmetric.ExponentialHistogramDataPoint) {
	e.pointLabels(b, name, dp.Attributes())
	ts := e.tsMs(dp.Timestamp())
	bucketName, sumName, countName := e.suffixed(name)
	base := math.Exp2(math.Exp2(-float64(dp.Scale())))
	pos := dp.Positive()
	if e.opts.ExpHistogramMode == ExpHistogramVMRange {
		e.vmrange(b, bucketName, dp, base, ts)
	} else {
		// Negative values and zeros fall in the first bucket, le = zero threshold.
		var neg uint64
		for _, c := range dp.Negative().BucketCounts().All() {
			neg += c
		}
		cum := neg + dp.ZeroCount()
		e.emit(b, bucketName, Label{Name: "le", Value: e.le(b, dp.ZeroThreshold())}, float64(cum), ts)
		off := pos.Offset()
		for i, c := range pos.BucketCounts().All() {
			cum += c
			upper := math.Pow(base, float64(int(off)+i+1))
			e.scratch = strconv.AppendFloat(e.scratch[:0], upper, 'g', -1, 64)
			e.emit(b, bucketName, Label{Name: "le", Value: b.str(e.scratch)}, float64(cum), ts)
		}
		e.emit(b, bucketName, Label{Name: "le", Value: "+Inf"}, float64(dp.Count()), ts)
	}
	if dp.HasSum() {
		e.emit(b, sumName, Label{}, dp.Sum(), ts)
	}
	e.emit(b, countName, Label{}, float64(dp.Count()), ts)
}

// vmrange writes VictoriaMetrics histogram buckets: one non-cumulative
// series per non-empty bucket, labelled vmrange="lower...upper".
func (e *Encoder) vmrange(b *Batch, name string, dp pmetric.ExponentialHistogramDataPoint, base float64, ts int64) {
	if z := dp.ZeroCount(); z > 0 {
		e.emit(b, name, Label{Name: "vmrange", Value: "0...0"}, float64(z), ts)
	}
	if dp.Negative().BucketCounts().Len() > 0 {
		e.drops[DropNegativeBucket]++
	}
	pos := dp.Positive()
	off := int(pos.Offset())
	for i, c := range pos.BucketCounts().All() {
		if c == 0 {
			continue
		}
		lo, hi := math.Pow(base, float64(off+i)), math.Pow(base, float64(off+i+1))
		e.scratch = strconv.AppendFloat(e.scratch[:0], lo, 'e', 3, 64)
		e.scratch = append(e.scratch, "..."...)
		e.scratch = strconv.AppendFloat(e.scratch, hi, 'e', 3, 64)
		e.emit(b, name, Label{Name: "vmrange", Value: b.str(e.scratch)}, float64(c), ts)
	}
}

// exemplars attaches the exemplars whose value lies in (lo, hi] to s.
func (e *Encoder) exemplars(b *Batch, s *Series, xs pmetric.ExemplarSlice, hi, lo float64) {
	s.xStart = int32(len(b.exemplars))
	for i := 0; i < xs.Len(); i++ {
		x := xs.At(i)
		v := x.DoubleValue()
		if x.ValueType() == pmetric.ExemplarValueTypeInt {
			v = float64(x.IntValue())
		}
		if v > hi || v <= lo {
			continue
		}
		start := int32(len(b.labels))
		if tid := x.TraceID(); !tid.IsEmpty() {
			e.scratch = appendHex(e.scratch[:0], tid[:])
			b.labels = append(b.labels, Label{Name: "trace_id", Value: b.str(e.scratch)})
		}
		if sid := x.SpanID(); !sid.IsEmpty() {
			e.scratch = appendHex(e.scratch[:0], sid[:])
			b.labels = append(b.labels, Label{Name: "span_id", Value: b.str(e.scratch)})
		}
		slices.SortFunc(b.labels[start:], func(a, c Label) int { return strings.Compare(a.Name, c.Name) })
		b.exemplars = append(b.exemplars, exemplar{lStart: start, lEnd: int32(len(b.labels)), value: v, timestamp: e.tsMs(x.Timestamp())})
	}
	s.xEnd = int32(len(b.exemplars))
	b.seriesSize(s)
}

func appendHex(dst, p []byte) []byte {
	const digits = "0123456789abcdef"
	for _, c := range p {
		dst = append(dst, digits[c>>4], digits[c&0xf])
	}
	return dst
}
