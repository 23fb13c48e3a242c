package promrw

import (
	"math"
	"math/big"
	"sync"
)

// Exponential histogram bucket i at scale s covers (2^(i/2^s), 2^((i+1)/2^s)].
// Computing that bound as math.Pow(base, i) adds the rounding error of the
// base i times (le="1.9999999999999996" for 2). Here powers of two are
// exact (math.Ldexp), and the other bounds are 2^q times 2^(r/2^s), whose
// fraction is a product of roots of 2 computed in 256-bit precision and
// rounded once, so every bound is the correctly rounded float64.

const (
	rootPrec = 256
	maxRoot  = 62 // deepest root kept; scales beyond it fall back to math.Exp2
)

var (
	rootsOnce sync.Once
	roots     [maxRoot + 1]*big.Float // roots[j] = 2^(2^-j)
)

func initRoots() {
	x := new(big.Float).SetPrec(rootPrec).SetInt64(2)
	roots[0] = x
	for j := 1; j <= maxRoot; j++ {
		x = new(big.Float).SetPrec(rootPrec).Sqrt(x)
		roots[j] = x
	}
}

// fracPow2 returns 2^(r/2^s) for 0 < r < 2^s, correctly rounded.
func fracPow2(s int32, r int64) float64 {
	rootsOnce.Do(initRoots)
	p := new(big.Float).SetPrec(rootPrec).SetInt64(1)
	for k := int32(0); k < s; k++ {
		if r&(1<<k) != 0 {
			p.Mul(p, roots[s-k]) // bit k adds 2^k/2^s = 2^-(s-k) to the exponent
		}
	}
	f, _ := p.Float64()
	return f
}

type fracKey struct {
	scale int32
	r     int64
}

// boundCache remembers the fractions, so each distinct bound is computed
// once. It is bounded: past maxFracs entries it starts afresh.
type boundCache struct {
	fracs map[fracKey]float64
}

const maxFracs = 10_000

func newBoundCache() *boundCache { return &boundCache{fracs: map[fracKey]float64{}} }

// pow2 returns 2^(n/2^scale): the upper bound of bucket n-1, the lower
// bound of bucket n. It overflows to +Inf and underflows to 0.
func (c *boundCache) pow2(scale int32, n int64) float64 {
	if scale <= 0 {
		e := float64(n) * math.Ldexp(1, int(-scale)) // exact: n < 2^33, -scale small
		switch {
		case e > 2000:
			return math.Inf(1)
		case e < -2000:
			return 0
		}
		return math.Ldexp(1, int(e))
	}
	if scale > maxRoot {
		return math.Exp2(float64(n) * math.Ldexp(1, int(-scale)))
	}
	q, r := n>>scale, n&(1<<scale-1) // floor division, also for negative n
	if r == 0 {
		return math.Ldexp(1, int(q))
	}
	k := fracKey{scale, r}
	f, ok := c.fracs[k]
	if !ok {
		if len(c.fracs) >= maxFracs {
			clear(c.fracs)
		}
		f = fracPow2(scale, r)
		c.fracs[k] = f
	}
	return math.Ldexp(f, int(q))
}
