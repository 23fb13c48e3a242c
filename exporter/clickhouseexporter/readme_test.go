package clickhouseexporter

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/schema"
)

// The README lists every column of every table with its type.
func TestREADMEListsEveryColumn(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, def := range []schema.Table{schema.Logs, schema.Traces, schema.TraceIDTS, schema.Gauge, schema.Sum,
		schema.Histogram, schema.ExpHistogram, schema.Summary} {
		for _, c := range def.Columns {
			if row := fmt.Sprintf("| `%s` | `%s` |", c.Name, c.Type); !strings.Contains(readme, row) {
				t.Errorf("README lacks %q", row)
			}
		}
	}
}
