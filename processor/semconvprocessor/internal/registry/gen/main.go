// Command gen writes registry_gen.go: the semantic-conventions registry
// read with go/ast from the Go module go.opentelemetry.io/otel/semconv.
//
//   - attributes (name, type, stability, enum members) from v1.43.0's
//     attribute_group.go, whose doc comments carry "Type:" and "Stability:";
//   - attribute templates (http.request.header.<key>) from the functions
//     that build a key as "prefix." + key;
//   - metrics (name, unit, instrument) from the v1.43.0/*conv packages;
//   - deprecated names: attribute keys of v1.4.0 to v1.42.0 that v1.43.0 no
//     longer has.
//
// Run it with `go generate ./processor/semconvprocessor/...`.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

const version = "v1.43.0"

type attr struct {
	name, typ, stability string
	enum                 []string
}

type metric struct{ name, unit, instrument string }

func main() {
	outPath := flag.String("o", "registry_gen.go", "file to write")
	flag.Parse()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "go.opentelemetry.io/otel").Output()
	if err != nil {
		fail(fmt.Errorf("go list go.opentelemetry.io/otel: %w", err))
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "semconv")
	attrs, templates := readAttributes(filepath.Join(root, version, "attribute_group.go"))
	metrics := readMetrics(filepath.Join(root, version))
	deprecated := readDeprecated(root, attrs)
	src := render(attrs, templates, metrics, deprecated)
	formatted, err := format.Source(src)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(*outPath, formatted, 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("%s: %d attributes, %d templates, %d metrics, %d deprecated\n",
		*outPath, len(attrs), len(templates), len(metrics), len(deprecated))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}

func parse(path string) *ast.File {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
	if err != nil {
		fail(err)
	}
	return f
}

var (
	typeRE      = regexp.MustCompile(`(?m)^Type: (.+)$`)
	stabilityRE = regexp.MustCompile(`(?m)^Stability: (.+)$`)
	templateRE  = regexp.MustCompile(`"([a-z0-9_.]+\.)"\s*\+\s*key`)
)

// readAttributes finds `XKey = attribute.Key("name")` with its doc comment,
// and enum members `XValue = XKey.String("v")`.
func readAttributes(path string) (map[string]*attr, []string) {
	f := parse(path)
	byIdent := map[string]*attr{}
	attrs := map[string]*attr{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			vs, ok := spec.(*ast.ValueSpec)
			if !ok || len(vs.Values) != 1 || len(vs.Names) != 1 {
				continue
			}
			call, ok := vs.Values[0].(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				continue
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				continue
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING && lit.Kind != token.INT && lit.Kind != token.FLOAT {
				continue
			}
			val := lit.Value
			if lit.Kind == token.STRING {
				val, _ = strconv.Unquote(lit.Value)
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "attribute" && sel.Sel.Name == "Key" {
				doc := vs.Doc.Text()
				a := &attr{name: val, typ: "string", stability: "development"}
				if m := typeRE.FindStringSubmatch(doc); m != nil {
					a.typ = strings.TrimSpace(m[1])
				}
				if m := stabilityRE.FindStringSubmatch(doc); m != nil {
					a.stability = strings.ToLower(strings.TrimSpace(m[1]))
				}
				attrs[val] = a
				byIdent[vs.Names[0].Name] = a
				continue
			}
			if x, ok := sel.X.(*ast.Ident); ok {
				if a := byIdent[x.Name]; a != nil {
					a.enum = append(a.enum, val)
					if a.typ == "Enum" {
						a.typ = "enum:" + strings.ToLower(sel.Sel.Name) // String or Int
					}
				}
			}
		}
	}
	src, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	seen := map[string]bool{}
	var templates []string
	for _, m := range templateRE.FindAllSubmatch(src, -1) {
		if p := string(m[1]); !seen[p] {
			seen[p] = true
			templates = append(templates, p)
		}
	}
	sort.Strings(templates)
	return attrs, templates
}

// readMetrics reads `func (T) Name() string { return "..." }`, Unit() and
// the embedded instrument type of T in every *conv package.
func readMetrics(dir string) []metric {
	files, _ := filepath.Glob(filepath.Join(dir, "*conv", "metric.go"))
	var out []metric
	for _, path := range files {
		f := parse(path)
		names, units, instruments := map[string]string{}, map[string]string{}, map[string]string{}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) != 1 || d.Body == nil || len(d.Body.List) != 1 {
					continue
				}
				recv, ok := d.Recv.List[0].Type.(*ast.Ident)
				if !ok {
					continue
				}
				ret, ok := d.Body.List[0].(*ast.ReturnStmt)
				if !ok || len(ret.Results) != 1 {
					continue
				}
				lit, ok := ret.Results[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				v, _ := strconv.Unquote(lit.Value)
				switch d.Name.Name {
				case "Name":
					names[recv.Name] = v
				case "Unit":
					units[recv.Name] = v
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok {
						continue
					}
					st, ok := ts.Type.(*ast.StructType)
					if !ok || len(st.Fields.List) == 0 {
						continue
					}
					if sel, ok := st.Fields.List[0].Type.(*ast.SelectorExpr); ok {
						instruments[ts.Name.Name] = instrument(sel.Sel.Name)
					}
				}
			}
		}
		for typ, name := range names {
			out = append(out, metric{name: name, unit: units[typ], instrument: instruments[typ]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// instrument maps an OTel Go instrument type to the semconv instrument.
func instrument(goType string) string {
	switch {
	case strings.Contains(goType, "UpDownCounter"):
		return "updowncounter"
	case strings.Contains(goType, "Counter"):
		return "counter"
	case strings.Contains(goType, "Histogram"):
		return "histogram"
	case strings.Contains(goType, "Gauge"):
		return "gauge"
	}
	return ""
}

// readDeprecated collects attribute names of older versions that the
// current version no longer has.
func readDeprecated(root string, current map[string]*attr) []string {
	dirs, _ := filepath.Glob(filepath.Join(root, "v1.*"))
	seen := map[string]bool{}
	for _, d := range dirs {
		if filepath.Base(d) == version {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(d, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			for _, name := range keyNames(f) {
				if current[name] == nil {
					seen[name] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// keyNames lists the names of `attribute.Key("...")` calls in a file.
func keyNames(path string) []string {
	f := parse(path)
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Key" {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "attribute" {
			return true
		}
		if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			v, _ := strconv.Unquote(lit.Value)
			out = append(out, v)
		}
		return true
	})
	return out
}

func render(attrs map[string]*attr, templates []string, metrics []metric, deprecated []string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by ./gen from go.opentelemetry.io/otel/semconv/%s. DO NOT EDIT.\n\n", version)
	b.WriteString("package registry\n\n")
	fmt.Fprintf(&b, "// Version is the semantic-conventions version of the built-in registry.\nconst Version = %q\n\n", version)
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	b.WriteString("var builtinAttributes = []Attribute{\n")
	for _, n := range names {
		a := attrs[n]
		fmt.Fprintf(&b, "\t{Name: %q, Type: %s, Stability: %q", a.name, typeConst(a.typ), a.stability)
		if len(a.enum) > 0 {
			fmt.Fprintf(&b, ", Enum: %#v", a.enum)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, "var builtinTemplates = %#v\n\n", templates)
	b.WriteString("var builtinMetrics = []Metric{\n")
	for _, m := range metrics {
		fmt.Fprintf(&b, "\t{Name: %q, Unit: %q, Instrument: %q},\n", m.name, m.unit, m.instrument)
	}
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, "var builtinDeprecated = %#v\n", deprecated)
	return b.Bytes()
}

func typeConst(t string) string {
	switch t {
	case "string":
		return "TypeString"
	case "int":
		return "TypeInt"
	case "double":
		return "TypeDouble"
	case "boolean":
		return "TypeBool"
	case "string[]":
		return "TypeStringSlice"
	case "int[]":
		return "TypeIntSlice"
	case "double[]":
		return "TypeDoubleSlice"
	case "boolean[]":
		return "TypeBoolSlice"
	case "enum:string":
		return "TypeString"
	case "enum:int":
		return "TypeInt"
	}
	return "TypeAny"
}
