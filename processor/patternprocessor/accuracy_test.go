package patternprocessor

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loghub is the shared labelled data, beside the repository; it is used
// in place, never copied (its licence travels with it there).
var loghub = filepath.Join("..", "..", "..", "shared", "data", "loghub-2k")

// TestPatternAccuracyOnLoghub is a regression guard on grouping accuracy.
// The goal (issue: pattern tagging) is a mean GA >= 0.90 with no dataset
// below 0.60, on these datasets and on unseen ones. The floors below are
// the level reached so far, so that no change makes it worse.
func TestPatternAccuracyOnLoghub(t *testing.T) {
	if _, err := os.Stat(loghub); err != nil {
		t.Fatalf("the shared Loghub data is not at %s: %v", loghub, err)
	}
	var out bytes.Buffer
	results, err := Evaluate(loghub, &out)
	require.NoError(t, err)
	t.Log("\n" + out.String())
	require.Len(t, results, 8)

	floors := map[string]float64{ // GA reached, rounded down
		"BGL": 0.98, "HDFS": 0.99, "HPC": 0.90, "HealthApp": 0.99,
		"Linux": 0.69, "Mac": 0.78, "OpenSSH": 0.92, "Spark": 0.92,
	}
	var sum float64
	for _, r := range results {
		sum += r.GA
		assert.GreaterOrEqual(t, r.GA, floors[r.Name], "GA of %s", r.Name)
		assert.GreaterOrEqual(t, r.GA, 0.60, "goal: no dataset below 0.60 (%s)", r.Name)
	}
	assert.GreaterOrEqual(t, sum/float64(len(results)), 0.90, "goal: mean GA >= 0.90")
}
