package clickhouseexporter

import (
	"context"
	"fmt"
	"slices"

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
		if err := e.ensureTable(ctx, e.tables[s].name, e.tables[s].def); err != nil {
			return err
		}
	}
	if e.signal == signalTraces {
		lookup := e.cfg.TracesTableName + schema.TraceIDTS.Suffix
		if err := e.ensureTable(ctx, lookup, schema.TraceIDTS); err != nil {
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

func (e *chExporter) ensureTable(ctx context.Context, name string, def schema.Table) error {
	if e.cfg.CreateSchema {
		if err := e.conn.Exec(ctx, schema.CreateTable(e.opts, def, name)); err != nil {
			return fmt.Errorf("create table %s: %w", name, err)
		}
	}
	have, err := e.describe(ctx, name)
	if err != nil {
		return err
	}
	add, err := schema.Plan(name, def, have)
	if err != nil {
		return fmt.Errorf("%w: %w", errIncompatible, err)
	}
	for _, c := range add {
		if !e.cfg.CreateSchema {
			return fmt.Errorf("%w: table %s lacks column %s %s; enable create_schema to add it", errIncompatible, name, c.Name, c.Type)
		}
		if err := e.conn.Exec(ctx, schema.AddColumn(e.opts, name, c)); err != nil {
			return fmt.Errorf("add column %s to %s: %w", c.Name, name, err)
		}
		e.set.Logger.Info("added a missing column to a ClickHouse table")
	}
	return nil
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
