package e2e

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every binary's --version and `components` carry the same version: the
// commit (or tag) git describes for this checkout, and the build date.
func TestVersionComesFromGitAndBuildDate(t *testing.T) {
	out, err := exec.Command("git", "-C", repoRoot, "describe", "--tags", "--always").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	described := strings.TrimSpace(string(out))
	versionLine := regexp.MustCompile(`version (\S+) built (\S+)`)
	for _, name := range []string{"otelhub", "otelhub-sidecar", "otelhub-gateway"} {
		bin := binary(t, name)
		out, err := exec.Command(bin, "--version").CombinedOutput()
		require.NoError(t, err, string(out))
		m := versionLine.FindStringSubmatch(string(out))
		require.NotNil(t, m, "%s --version: %s", name, out)
		assert.True(t, strings.HasPrefix(m[1], described), "%s: version %q is not git's %q", name, m[1], described)
		built, err := time.Parse(time.RFC3339, m[2])
		require.NoError(t, err, "%s build date", name)
		assert.WithinDuration(t, time.Now(), built, 30*24*time.Hour, "%s build date", name)

		comps, err := exec.Command(bin, "components").CombinedOutput()
		require.NoError(t, err, string(comps))
		assert.Contains(t, string(comps), "version: "+m[1]+" built "+m[2], "%s components", name)
	}
}
