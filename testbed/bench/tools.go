package bench

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Tool returns <root>/.tools/<name>, installing module with `go install`
// first when it is missing.
func Tool(env Env, name, module string) (string, error) {
	dir := filepath.Join(env.Root, ".tools")
	bin := filepath.Join(dir, name)
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	cmd := exec.Command("go", "install", module)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod")
	cmd.Dir = env.TempDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s: %v\n%s", module, err, out)
	}
	return bin, nil
}

// FindRoot is the repository root above dir: the folder whose go.mod is
// the product's (it holds builder-config.yaml beside it).
func FindRoot(dir string) (string, error) {
	for {
		if _, err := os.Stat(filepath.Join(dir, "builder-config.yaml")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no repository root (builder-config.yaml) above the working folder")
		}
		dir = parent
	}
}
