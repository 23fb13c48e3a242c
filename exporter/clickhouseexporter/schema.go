package clickhouseexporter

import (
	"context"
	"fmt"
	"slices"

	"go.uber.org/zap"

	"github.com/otelhub/otelhub/exporter/clickhouseexporter/internal/schema"
)

// ensureSchema creates what is missing (with create_schema) and checks
// that every table takes what the exporter writes. Once it succeeded it
// is not run again.
func (e *chExporter) ensureSchema(ctx context.Context) error {
	e.schemaMu.Lock()
	defer e.schemaMu.Unlock()
	if e.schemaReady {
		return nil
	}
	if e.cfg.CreateSchema {
		if err := e.conn.Exec(ctx, schema.CreateDatabase(e.opts)); err != nil {
			return fmt.Errorf("create database %s: %w", e.cfg.Database, err)
		}
	}
	suffixes := make([]string, 0, len(e.tables))
	for s := range e.tables {
		suffixes = append(suffixes, s)
	}
	slices.Sort(suffixes)
	for _, s := range suffixes {
		t := e.tables[s]
		plain, err := e.ensureTable(ctx, t.name, t.def)
		if err != nil {
			return err
		}
		t.plain = plain
	}
	if e.signal == signalTraces {
		lookup := e.cfg.TracesTableName + schema.TraceIDTS.Suffix
		if _, err := e.ensureTable(ctx, lookup, schema.TraceIDTS); err != nil {
			return err
		}
		if e.cfg.CreateSchema {
			if err := e.conn.Exec(ctx, schema.CreateTraceIDView(e.opts, e.cfg.TracesTableName)); err != nil {
				return fmt.Errorf("create the trace id view: %w", err)
			}
		}
	}
	e.schemaReady = true
	return nil
}

// ensureTable creates the table if asked, checks it, adds missing
// optional columns, and says which LowCardinality columns the table has
// as plain strings.
func (e *chExporter) ensureTable(ctx context.Context, name string, def schema.Table) ([]bool, error) {
	if e.cfg.CreateSchema {
		if err := e.conn.Exec(ctx, schema.CreateTable(e.opts, def, name)); err != nil {
			return nil, fmt.Errorf("create table %s: %w", name, err)
		}
	}
	have, err := e.describe(ctx, name)
	if err != nil {
		return nil, err
	}
	add, err := schema.Plan(name, def, have)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errIncompatible, err)
	}
	for _, c := range add {
		if !e.cfg.CreateSchema {
			return nil, fmt.Errorf("%w: table %s lacks column %s %s; enable create_schema to add it", errIncompatible, name, c.Name, c.Type)
		}
		if err := e.conn.Exec(ctx, schema.AddColumn(e.opts, name, c)); err != nil {
			return nil, fmt.Errorf("add column %s to %s: %w", c.Name, name, err)
		}
		e.set.Logger.Info("added a missing column to a ClickHouse table",
			zap.String("table", name), zap.String("column", c.Name), zap.String("type", c.Type))
		have = append(have, schema.Existing{Name: c.Name, Type: c.Type})
	}
	return plainColumns(def, have), nil
}

// plainColumns marks the LowCardinality(String) columns of def that the
// table has as String.
func plainColumns(def schema.Table, have []schema.Existing) []bool {
	types := schema.Types(have)
	var out []bool
	for i, c := range def.Columns {
		if c.Type == "LowCardinality(String)" && types[c.Name] == "String" {
			if out == nil {
				out = make([]bool, len(def.Columns))
			}
			out[i] = true
		}
	}
	return out
}

// describe is DESC TABLE: each column's name and type.
func (e *chExporter) describe(ctx context.Context, name string) ([]schema.Existing, error) {
	rows, err := e.conn.Query(ctx, "DESC TABLE "+schema.QualifiedName(e.cfg.Database, name))
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", name, err)
	}
	defer rows.Close()
	n := len(rows.Columns())
	var out []schema.Existing
	for rows.Next() {
		vals := make([]string, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("describe %s: %w", name, err)
		}
		out = append(out, schema.Existing{Name: vals[0], Type: vals[1]})
	}
	return out, rows.Err()
}
