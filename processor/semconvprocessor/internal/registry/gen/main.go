// Command gen writes registry_gen.go, the built-in registry, from the
// semantic-conventions YAML model vendored in third_party/semconv: every
// attribute and template with type, stability, enum members and
// deprecation (renames only for `reason: renamed` to a defined target),
// every metric once, and the attributes metrics, events and spans require.
//
// Run it with `go generate ./processor/semconvprocessor/...`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/otelhub/otelhub/processor/semconvprocessor/internal/model"
)

func main() {
	dir := flag.String("model", "../../../../third_party/semconv/v1.43.0/model", "the model/ folder")
	out := flag.String("o", "registry_gen.go", "file to write")
	flag.Parse()
	t, err := model.Load(*dir)
	if err != nil {
		fail(err)
	}
	src, err := model.Render(t, "registry", "builtinTables", "third_party/semconv/v1.43.0/model")
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("%s: %d attributes and templates, %d metrics, %d events, %d spans\n",
		*out, len(t.Attributes), len(t.Metrics), len(t.Events), len(t.Spans))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
