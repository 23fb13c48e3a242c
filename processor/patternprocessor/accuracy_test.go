package patternprocessor

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loghub is the labelled Loghub-2k data, beside the repository; it is used
// in place, never copied (its licence travels with it there).
var loghub = filepath.Join("..", "..", "..", "shared", "data", "loghub-2k")

// requireLoghubEnv makes the Loghub tests fail instead of skipping when
// the samples are missing (CI sets it).
const requireLoghubEnv = "OTELHUB_REQUIRE_LOGHUB"

// loghubOrSkip returns the Loghub folder, or skips the test with where to
// get the samples; with OTELHUB_REQUIRE_LOGHUB=1 it fails instead.
func loghubOrSkip(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(loghub); err == nil {
		return loghub
	}
	abs, _ := filepath.Abs(loghub)
	msg := "the Loghub-2k samples are not at " + abs + ": get them from https://github.com/logpai/loghub " +
		"(one folder per dataset holding <Name>_2k.log_structured.csv) and put them there"
	if os.Getenv(requireLoghubEnv) == "1" {
		t.Fatal(msg + " (" + requireLoghubEnv + "=1 makes this a failure)")
	}
	t.Skip(msg)
	return ""
}

// TestPatternAccuracyOnLoghub guards the grouping accuracy reached. The
// goal (issue 10) is mean GA >= 0.90 with none below 0.60 on data the
// processor was not designed on; what is asserted is the level reached on
// these eight datasets, with a margin of about 0.02, so that no change
// makes it worse. Linux and Mac are below the goal (see the README).
func TestPatternAccuracyOnLoghub(t *testing.T) {
	root := loghubOrSkip(t)
	var out bytes.Buffer
	results, err := Evaluate(root, &out)
	require.NoError(t, err)
	t.Log("\n" + out.String())
	require.Len(t, results, 8)

	floors := map[string]float64{ // GA reached minus a margin
		"BGL": 0.96, "HDFS": 0.97, "HPC": 0.88, "HealthApp": 0.97,
		"Linux": 0.67, "Mac": 0.76, "OpenSSH": 0.90, "Spark": 0.90,
	}
	var sum float64
	for _, r := range results {
		sum += r.GA
		assert.GreaterOrEqual(t, r.GA, floors[r.Name], "GA of %s", r.Name)
	}
	assert.GreaterOrEqual(t, sum/float64(len(results)), 0.88, "mean GA (reached 0.901; goal 0.90 on unseen data)")
}

// TestPatternAccuracyHeldOut guards the held-out validation: the threshold
// chosen on one half of the datasets, scored on the other.
func TestPatternAccuracyHeldOut(t *testing.T) {
	root := loghubOrSkip(t)
	var out bytes.Buffer
	heldOut, err := EvaluateSplit(root, &out)
	require.NoError(t, err)
	t.Log("\n" + out.String())
	assert.GreaterOrEqual(t, heldOut, 0.88, "mean held-out GA (reached 0.903; goal 0.90 on data not designed on, issue 10)")
}
