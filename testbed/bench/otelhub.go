package bench

import (
	"fmt"
	"os"
	"path/filepath"
)

// OtelhubProc starts the built bin/otelhub with an OTLP/HTTP receiver
// feeding one exporter, whose YAML (indented under exporters:) a scenario
// gives with its name, e.g. "victoriametrics".
func OtelhubProc(env Env, signal, exporterName, exporterYAML string) (*Proc, error) {
	otlpAddr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	healthAddr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	// Its own telemetry is off: a fixed :8888 would collide between runs
	// and with other collectors on the machine.
	cfg := fmt.Sprintf(`receivers:
  otlp:
    protocols:
      http:
        endpoint: %s
extensions:
  health_check:
    endpoint: %s
exporters:
  %s:
%s
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
  pipelines:
    %s:
      receivers: [otlp]
      exporters: [%s]
`, otlpAddr, healthAddr, exporterName, exporterYAML, signal, exporterName)
	path := filepath.Join(env.TempDir, "otelhub.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	bin := filepath.Join(env.Root, "bin", "otelhub")
	return StartProc(env, bin, []string{"--config", path},
		"http://"+otlpAddr+"/v1/"+signal, "http://"+healthAddr+"/")
}
