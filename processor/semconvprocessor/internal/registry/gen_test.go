package registry

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The committed registry_gen.go is what the generator writes today from
// the Go module in go.mod: a dependency bump must come with `go generate`.
func TestGeneratedRegistryIsCurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "registry_gen.go")
	cmd := exec.Command("go", "run", "./gen", "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./gen: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("registry_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("registry_gen.go is stale: run go generate ./processor/semconvprocessor/...")
	}
}
