package jsonstr

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "q\"b\\s/", "\x00\x1f\x7f", "<&>", "\xff\xfeok", "\u2028\u2029", "é漢🙂", "a\xc3"} {
		var got, want string
		require.NoError(t, json.Unmarshal(Append(nil, s), &got), s)
		ref, err := json.Marshal(s)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(ref, &want))
		assert.Equal(t, want, got, "%q", s)
		assert.Equal(t, string(ref), string(Append(nil, s)), "%q", s)
	}
}
