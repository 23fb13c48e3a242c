package bench

import (
	"testing"
)

var sinkHole []byte

// TestPeakRSSIsThisRunsOwn: memory a previous run allocated and dropped
// must not count in the next run's peak RSS. The Go runtime keeps freed
// heap pages resident for minutes, so resetting VmHWM alone would start
// the next variant from the previous one's high-water mark.
func TestPeakRSSIsThisRunsOwn(t *testing.T) {
	const big = 256 << 20
	b := make([]byte, big)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1 // make the pages resident
	}
	sinkHole = b
	before := peakRSS()
	sinkHole, b = nil, nil
	if !resetPeakRSS() {
		t.Skip("kernel does not allow resetting VmHWM")
	}
	after := peakRSS()
	if before-after < big/2 {
		t.Errorf("peak RSS after reset %d MB, before %d MB: the previous run's %d MB freed heap is still counted",
			after>>20, before>>20, big>>20)
	}
}
