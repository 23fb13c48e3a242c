package sink

import (
	"fmt"
	"net/http"
	"time"

	"github.com/golang/snappy"
	"github.com/klauspost/compress/zstd"
	"github.com/prometheus/prometheus/prompb"
)

// remoteWrite decodes Prometheus remote write 1.0 bodies with the
// Prometheus project's own protobuf types (prompb), an implementation
// independent of every exporter under test, and counts the samples.
// target_info series are not items: they describe resources, and each
// exporter sends them at its own pace.
type remoteWrite struct {
	zstd *zstd.Decoder
}

func newRemoteWrite() *remoteWrite {
	d, err := zstd.NewReader(nil)
	if err != nil {
		panic(err) // only fails on bad options
	}
	return &remoteWrite{zstd: d}
}

func (rw *remoteWrite) decode(r *http.Request, body []byte, c *Counter) (int, error) {
	raw, err := rw.decompress(r.Header.Get("Content-Encoding"), body)
	if err != nil {
		return 0, err
	}
	var wr prompb.WriteRequest
	if err := wr.Unmarshal(raw); err != nil {
		return 0, fmt.Errorf("remote write protobuf: %w", err)
	}
	now := time.Now()
	n := 0
	for i := range wr.Timeseries {
		ts := &wr.Timeseries[i]
		if name(ts.Labels) == "target_info" {
			continue
		}
		h := labelsHash(ts.Labels)
		for _, s := range ts.Samples {
			c.add(h, s.Timestamp, now)
		}
		n += len(ts.Samples)
	}
	return n, nil
}

func (rw *remoteWrite) decompress(enc string, body []byte) ([]byte, error) {
	switch enc {
	case "", "snappy":
		out, err := snappy.Decode(nil, body)
		if err != nil {
			return nil, fmt.Errorf("snappy: %w", err)
		}
		return out, nil
	case "zstd":
		return rw.zstd.DecodeAll(body, nil)
	}
	return nil, fmt.Errorf("unknown Content-Encoding %q", enc)
}

func name(ls []prompb.Label) string {
	for _, l := range ls {
		if l.Name == "__name__" {
			return l.Value
		}
	}
	return ""
}

// labelsHash is FNV-1a over the labels in the order they were sent; both
// names and values are delimited so that {a="bc"} and {ab="c"} differ.
func labelsHash(ls []prompb.Label) uint64 {
	h := uint64(14695981039346656037)
	mix := func(s string) {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
		h ^= 0xff
		h *= 1099511628211
	}
	for _, l := range ls {
		mix(l.Name)
		mix(l.Value)
	}
	return h
}
