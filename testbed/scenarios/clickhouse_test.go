package scenarios

import (
	"testing"

	"github.com/otelhub/otelhub/testbed/bench"
)

// The ClickHouse sink counts what the server stores, with rows written
// here by hand: three rows of which two carry the same testbed.seq are 3
// units and 2 distinct, so a run that stores a batch twice shows
// duplicates (and, with the same row count, a loss).
func TestChDBSinkCounts(t *testing.T) {
	sk, err := newChDBSink(bench.Env{})
	if err != nil {
		t.Fatal(err)
	}
	defer sk.Close()
	s := sk.(*chdbSink)
	for _, q := range []string{
		"CREATE DATABASE IF NOT EXISTS " + oursCHDatabase,
		"CREATE TABLE " + oursCHDatabase + "." + chLogsTable +
			" (LogAttributes Map(LowCardinality(String), String)) ENGINE = MergeTree ORDER BY tuple()",
		"INSERT INTO " + oursCHDatabase + "." + chLogsTable +
			" VALUES ({'testbed.seq':'1'}), ({'testbed.seq':'1'}), ({'testbed.seq':'2'})",
	} {
		if _, err := s.query(q); err != nil {
			t.Fatal(err)
		}
	}
	// The first poll sees the rows arrive; the second, with the count
	// unchanged, counts distinct values.
	for range 2 {
		if _, err := s.Counts(); err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.Counts()
	if err != nil {
		t.Fatal(err)
	}
	if c.Units != 3 || c.Distinct != 2 {
		t.Errorf("counts = %d units, %d distinct; want 3, 2", c.Units, c.Distinct)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Counts(); err != nil || c.Units != 0 || c.Distinct != 0 {
		t.Errorf("after Reset: %+v, %v; want 0 rows", c, err)
	}
}
