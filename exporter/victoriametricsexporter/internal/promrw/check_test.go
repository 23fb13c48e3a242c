package promrw

import (
	"fmt"

	"github.com/prometheus/prometheus/prompb"
)

// writeRequestCheck decodes bytes with Prometheus's own protobuf code.
type writeRequestCheck struct{ prompb.WriteRequest }

func (w *writeRequestCheck) check(p []byte) error {
	if err := w.Unmarshal(p); err != nil {
		return fmt.Errorf("prompb cannot decode our output: %w", err)
	}
	for _, ts := range w.Timeseries {
		if len(ts.Samples) == 0 {
			return fmt.Errorf("series with no samples")
		}
	}
	return nil
}
