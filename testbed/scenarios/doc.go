// Package scenarios holds one file per otelhub exporter: each registers a
// bench.Scenario naming its twins, peers, sink and how items become sink
// units. Importing the package registers them all.
package scenarios
