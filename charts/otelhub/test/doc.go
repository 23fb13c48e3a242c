// Package charttest renders the otelhub Helm chart with the helm binary and
// checks what it renders: every manifest decodes strictly into the
// Kubernetes API types, the collector config validates against the built
// otelhub binary, no secret sits in a ConfigMap, and the values schema and
// the chart's own checks refuse bad values.
//
// It is a module of its own so that k8s.io/api stays out of the product's
// go.mod. `make chart-test` runs it with HELM and OTELHUB_BIN_DIR set.
package charttest
