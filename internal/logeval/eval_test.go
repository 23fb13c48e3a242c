package logeval

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestScore(t *testing.T) {
	truth := []string{"A", "A", "B", "B", "C"}
	ga, fga := Score([]string{"x", "x", "y", "y", "z"}, truth)
	assert.Equal(t, 1.0, ga)
	assert.Equal(t, 1.0, fga)

	// B split in two: its lines are wrong; A and C are right.
	ga, fga = Score([]string{"x", "x", "y", "w", "z"}, truth)
	assert.InDelta(t, 3.0/5, ga, 1e-9)
	p, r := 2.0/4, 2.0/3
	assert.InDelta(t, 2*p*r/(p+r), fga, 1e-9)

	// A and B merged: only C is right.
	ga, _ = Score([]string{"x", "x", "x", "x", "z"}, truth)
	assert.InDelta(t, 1.0/5, ga, 1e-9)
}
