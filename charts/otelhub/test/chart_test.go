package charttest

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestHelmLint(t *testing.T) {
	for _, f := range scenarios(t) {
		t.Run(scenarioName(f), func(t *testing.T) {
			args := []string{"lint", "--strict", chartDir}
			if f != "" {
				args = append(args, "--values", f)
			}
			out, err := helm(t, args...)
			require.NoError(t, err, out)
		})
	}
}

// Every ci/ scenario renders, decodes strictly, and its config validates
// against the binary its image holds.
func TestScenarios(t *testing.T) {
	for _, f := range scenarios(t) {
		t.Run(scenarioName(f), func(t *testing.T) {
			checkRelease(t, mustRender(t, f))
		})
	}
}

// Every mode renders from the defaults alone.
func TestModes(t *testing.T) {
	for _, mode := range []string{"deployment", "daemonset", "statefulset", "sidecar"} {
		t.Run(mode, func(t *testing.T) {
			r := mustRender(t, "", "mode="+mode)
			assert.Equal(t, mode, checkRelease(t, r))
		})
	}
	t.Run("sidecar as a plain container", func(t *testing.T) {
		assert.Equal(t, "sidecar", checkRelease(t, mustRender(t, "", "mode=sidecar", "sidecar.native=false")))
	})
}

// Each preset on its own renders a config the binary accepts, with the
// preset's component in the pipelines it serves.
func TestPresets(t *testing.T) {
	cases := []struct {
		name      string
		sets      []string
		component string // kind/id that must be in the config
		pipelines []string
	}{
		{"semconv", []string{"presets.semconv.enabled=true"}, "processors/semconv", []string{"traces", "metrics", "logs"}},
		{"patterns", []string{"presets.patterns.enabled=true"}, "processors/pattern", []string{"logs"}},
		{"persistentQueue", []string{"presets.persistentQueue.enabled=true", "presets.otlpForward.enabled=true"}, "extensions/file_storage/queue", nil},
		{"otlpForward", []string{"presets.otlpForward.enabled=true", "presets.debug.enabled=false"}, "exporters/otlp_grpc/forward", []string{"traces", "metrics", "logs"}},
		{"victoriametrics", []string{"presets.victoriametrics.enabled=true", "presets.victoriametrics.logsEndpoint=http://vl:9428", "presets.debug.enabled=false"}, "exporters/victoriametrics", []string{"metrics", "logs"}},
		{"debug", nil, "exporters/debug", []string{"traces", "metrics", "logs"}},
		{"elasticsearch", []string{"presets.elasticsearch.enabled=true", "presets.debug.enabled=false"}, "exporters/elasticsearch", []string{"traces", "metrics", "logs"}},
		{"elasticsearch, basic auth, logs only", []string{"presets.elasticsearch.enabled=true", "presets.elasticsearch.signals={logs}",
			"presets.elasticsearch.username=otel", "presets.elasticsearch.existingSecret.name=es"}, "exporters/elasticsearch", []string{"logs"}},
		{"clickhouse", []string{"presets.clickhouse.enabled=true", "presets.debug.enabled=false"}, "exporters/clickhouse", []string{"traces", "metrics", "logs"}},
		{"clickhouse, http, password", []string{"presets.clickhouse.enabled=true", "presets.clickhouse.endpoint=https://ch:8443",
			"presets.clickhouse.existingSecret.name=ch", "presets.clickhouse.signals={traces,metrics}"}, "exporters/clickhouse", []string{"traces", "metrics"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRender(t, "", tc.sets...)
			checkRelease(t, r)
			cfg := releaseConfig(t, r)
			kind, id, _ := strings.Cut(tc.component, "/")
			require.NotNil(t, cfg.At(kind, id), "%s missing:\n%v", tc.component, cfg)
			if kind == "processors" || kind == "exporters" {
				assert.ElementsMatch(t, tc.pipelines, pipelinesWith(cfg, kind, id))
			}
		})
	}
}

func pipelinesWith(cfg Config, kind, id string) []string {
	var out []string
	for _, p := range cfg.Pipelines() {
		for _, v := range cfg.Strings("service", "pipelines", p, kind) {
			if v == id {
				out = append(out, p)
			}
		}
	}
	return out
}

// The preset processors go right after memory_limiter, before the rest.
func TestPresetProcessorsFollowMemoryLimiter(t *testing.T) {
	cfg := releaseConfig(t, mustRender(t, "", "presets.semconv.enabled=true", "presets.patterns.enabled=true"))
	assert.Equal(t, []string{"memory_limiter", "semconv", "pattern"}, cfg.Strings("service", "pipelines", "logs", "processors"))
	assert.Equal(t, []string{"memory_limiter", "semconv"}, cfg.Strings("service", "pipelines", "traces", "processors"))
}

// The persistent queue is on the preset exporters; the config holds no
// batch processor in front of it (a batch processor acknowledges data
// before it reaches the queue on disk).
func TestPersistentQueueOnExporters(t *testing.T) {
	cfg := releaseConfig(t, mustRender(t, filepath.Join(chartDir, "ci", "statefulset-values.yaml")))
	assert.Equal(t, "file_storage/queue", cfg.At("exporters", "victoriametrics", "sending_queue", "storage"))
	assert.NotNil(t, cfg.At("exporters", "victoriametrics", "sending_queue", "batch"), "batching inside the persistent queue")
	assert.Contains(t, cfg.Strings("service", "extensions"), "file_storage/queue")
	assert.Nil(t, cfg.At("processors", "batch"))

	for file, id := range map[string]string{"elasticsearch-values.yaml": "elasticsearch", "clickhouse-values.yaml": "clickhouse"} {
		cfg := releaseConfig(t, mustRender(t, filepath.Join(chartDir, "ci", file)))
		assert.Equal(t, "file_storage/queue", cfg.At("exporters", id, "sending_queue", "storage"), file)
		assert.NotNil(t, cfg.At("exporters", id, "sending_queue", "batch"), file)
	}
}

// With the persistent queue, every OTLP receiver's HTTP protocol runs the
// json_depth middleware (a deeper OTLP/JSON request would be acknowledged,
// then dropped when read back from the disk), in both images: the full one
// and the lean sidecar one (ci/daemonset-values.yaml), each validated by
// its binary. Without the queue the guard is not added.
func TestPersistentQueueGuardsJSONDepth(t *testing.T) {
	for _, f := range []string{"statefulset-values.yaml", "daemonset-values.yaml", "victoriametrics-values.yaml"} {
		t.Run(f, func(t *testing.T) {
			r := mustRender(t, filepath.Join(chartDir, "ci", f))
			checkRelease(t, r)
			cfg := releaseConfig(t, r)
			assert.Equal(t, []any{map[string]any{"id": "json_depth"}}, cfg.At("receivers", "otlp", "protocols", "http", "middlewares"))
			assert.Contains(t, cfg.Strings("service", "extensions"), "json_depth")
			assert.NotNil(t, cfg.At("extensions", "json_depth"))
		})
	}

	// A second OTLP receiver gets it too, next to a middleware of the
	// user's; a gRPC-only receiver gets no HTTP protocol.
	r := mustRender(t, "", "presets.persistentQueue.enabled=true", "presets.otlpForward.enabled=true",
		"config.receivers.otlp.protocols.http.middlewares[0].id=headers_setter",
		"config.receivers.otlp/internal.protocols.grpc.endpoint=${env:OTELHUB_LISTEN_HOST}:4327",
		"config.receivers.otlp/web.protocols.http.endpoint=${env:OTELHUB_LISTEN_HOST}:4328")
	cfg := releaseConfig(t, r)
	assert.Equal(t, []any{map[string]any{"id": "headers_setter"}, map[string]any{"id": "json_depth"}},
		cfg.At("receivers", "otlp", "protocols", "http", "middlewares"))
	assert.Equal(t, []any{map[string]any{"id": "json_depth"}}, cfg.At("receivers", "otlp/web", "protocols", "http", "middlewares"))
	assert.Nil(t, cfg.At("receivers", "otlp/internal", "protocols", "http"))

	cfg = releaseConfig(t, mustRender(t, "", "presets.otlpForward.enabled=true"))
	assert.Nil(t, cfg.At("extensions", "json_depth"), "no disk queue, no guard")
	assert.Nil(t, cfg.At("receivers", "otlp", "protocols", "http", "middlewares"))
}

// Credentials come from the existing Secret through env vars: the
// ConfigMap holds only the reference. The VictoriaLogs endpoint has its own
// HTTP client (the exporter copies no header of the metrics one to it), so
// it carries the token in its own header.
func TestSecretsFromExistingSecret(t *testing.T) {
	for _, f := range []string{"scaleout-gateway-values.yaml", "statefulset-values.yaml"} {
		t.Run(f, func(t *testing.T) {
			r := mustRender(t, filepath.Join(chartDir, "ci", f))
			checkRelease(t, r)
			_, _, pod := r.Workload()
			c := otelhubContainer(t, pod)
			for _, env := range []string{"OTELHUB_VICTORIAMETRICS_TOKEN", "OTELHUB_VICTORIALOGS_TOKEN"} {
				assert.Equal(t, &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "vm-credentials"}, Key: "token"},
					secretEnv(c, env), env)
			}
			cfg := releaseConfig(t, r)
			assert.Equal(t, "Bearer ${env:OTELHUB_VICTORIAMETRICS_TOKEN}", cfg.At("exporters", "victoriametrics", "headers", "Authorization"))
			assert.Equal(t, "Bearer ${env:OTELHUB_VICTORIALOGS_TOKEN}", cfg.At("exporters", "victoriametrics", "logs", "headers", "Authorization"),
				"the logs endpoint sends no token")
			assert.Empty(t, r.All("Secret"), "the chart renders no Secret of its own")
		})
	}

	// Another key of the Secret for VictoriaLogs; without logsEndpoint no
	// logs client and no env var for it.
	r := mustRender(t, filepath.Join(chartDir, "ci", "statefulset-values.yaml"), "presets.victoriametrics.existingSecret.logsBearerTokenKey=logs-token")
	_, _, pod := r.Workload()
	assert.Equal(t, "logs-token", secretEnv(otelhubContainer(t, pod), "OTELHUB_VICTORIALOGS_TOKEN").Key)
	r = mustRender(t, "", "presets.victoriametrics.enabled=true", "presets.victoriametrics.existingSecret.name=vm")
	checkRelease(t, r)
	_, _, pod = r.Workload()
	assert.Nil(t, secretEnv(otelhubContainer(t, pod), "OTELHUB_VICTORIALOGS_TOKEN"))
	assert.Nil(t, releaseConfig(t, r).At("exporters", "victoriametrics", "logs"))
}

// The elasticsearch and clickhouse presets read their credentials from the
// existing Secret through env vars, and the binary each image holds (full
// for elasticsearch, lean for clickhouse) validates the config;
// checkRelease refuses any credential field of a ConfigMap that is not an
// ${env:...} or ${file:...} reference.
func TestStorePresetSecrets(t *testing.T) {
	ref := func(name, key string) *corev1.SecretKeySelector {
		return &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}
	}
	cases := []struct {
		name     string
		file     string
		sets     []string
		exporter string
		fields   map[string]string // exporter field -> value in the config
		env      map[string]*corev1.SecretKeySelector
	}{
		{"elasticsearch API key", "elasticsearch-values.yaml", nil, "elasticsearch",
			map[string]string{"api_key": "${env:OTELHUB_ELASTICSEARCH_API_KEY}", "endpoint": "https://elasticsearch-es-http:9200"},
			map[string]*corev1.SecretKeySelector{"OTELHUB_ELASTICSEARCH_API_KEY": ref("es-credentials", "api-key")}},
		{"elasticsearch basic auth", "", []string{"presets.elasticsearch.enabled=true", "presets.elasticsearch.username=elastic",
			"presets.elasticsearch.existingSecret.name=es-user", "presets.elasticsearch.existingSecret.passwordKey=elastic"}, "elasticsearch",
			map[string]string{"user": "elastic", "password": "${env:OTELHUB_ELASTICSEARCH_PASSWORD}"},
			map[string]*corev1.SecretKeySelector{"OTELHUB_ELASTICSEARCH_PASSWORD": ref("es-user", "elastic")}},
		{"clickhouse", "clickhouse-values.yaml", nil, "clickhouse",
			map[string]string{"username": "otel", "password": "${env:OTELHUB_CLICKHOUSE_PASSWORD}", "database": "otel",
				"endpoint": "tcp://clickhouse-1:9000,clickhouse-2:9000"},
			map[string]*corev1.SecretKeySelector{"OTELHUB_CLICKHOUSE_PASSWORD": ref("clickhouse-credentials", "password")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := ""
			if tc.file != "" {
				file = filepath.Join(chartDir, "ci", tc.file)
			}
			r := mustRender(t, file, tc.sets...)
			checkRelease(t, r)
			cfg := releaseConfig(t, r)
			for field, want := range tc.fields {
				assert.Equal(t, want, cfg.At("exporters", tc.exporter, field), field)
			}
			_, _, pod := r.Workload()
			c := otelhubContainer(t, pod)
			for env, want := range tc.env {
				assert.Equal(t, want, secretEnv(c, env), env)
			}
			assert.Empty(t, r.All("Secret"), "the chart renders no Secret of its own")
		})
	}
}

// secretEnv is the Secret key an env var of the container comes from.
func secretEnv(c *corev1.Container, name string) *corev1.SecretKeySelector {
	for _, e := range c.Env {
		if e.Name == name && e.ValueFrom != nil {
			return e.ValueFrom.SecretKeyRef
		}
	}
	return nil
}

// A credential written into config is refused by the chart, and the
// test's own detector (used on every render) sees one.
func TestInlineSecretRefused(t *testing.T) {
	_, err := render(t, "", "presets.victoriametrics.enabled=true",
		"config.exporters.victoriametrics.headers.Authorization=Bearer abc123")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config.exporters.victoriametrics.headers.Authorization holds a credential")

	// Credentials under a list, in an API key header, or a TLS private key
	// written out are refused too.
	for name, sets := range map[string][]string{
		"in a list": {"config.receivers.prometheus.config.scrape_configs[0].job_name=x",
			"config.receivers.prometheus.config.scrape_configs[0].basic_auth.password=hunter2"},
		"Api-Key header": {"config.exporters.otlp_http.headers.Api-Key=abc123"},
		"TLS key":        {"config.exporters.otlp_http.tls.key_pem=-----BEGIN PRIVATE KEY-----"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := render(t, "", sets...)
			require.Error(t, err, "rendered a ConfigMap holding a credential")
			assert.Contains(t, err.Error(), "holds a credential")
		})
	}

	var inline Config
	require.NoError(t, yaml.Unmarshal([]byte(`
extensions: {bearertokenauth: {token: abc}}
exporters:
  otlp_http: {headers: {Authorization: "Bearer abc", X-Scope: "t1"}}
  ok: {headers: {Authorization: "Bearer ${env:T}"}}
`), &inline))
	assert.Equal(t, []string{".exporters.otlp_http.headers.Authorization", ".extensions.bearertokenauth.token"}, InlineSecrets(inline))
}

// The values schema refuses bad values, naming the field.
func TestSchemaRefuses(t *testing.T) {
	cases := map[string]struct{ set, want string }{
		"bad mode":               {"mode=gateway", "/mode"},
		"port 0":                 {"ports.otlp-grpc.containerPort=0", "/ports/otlp-grpc/containerPort"},
		"port 70000":             {"ports.otlp-grpc.servicePort=70000", "/ports/otlp-grpc/servicePort"},
		"hostPort 70000":         {"ports.otlp-grpc.hostPort=70000", "/ports/otlp-grpc/hostPort"},
		"port name > 15":         {"ports.otlp-grpc-receiver-x.containerPort=4319", "otlp-grpc-receiver-x"},
		"port name uppercase":    {"ports.OTLP.containerPort=4319", "OTLP"},
		"service type":           {"service.type=Ingress", "/service/type"},
		"traffic policy":         {"service.internalTrafficPolicy=Node", "/service/internalTrafficPolicy"},
		"unknown key":            {"replicas=3", "replicas"},
		"inline token field":     {"presets.victoriametrics.token=abc", "token"},
		"unknown preset":         {"presets.k8sattributes.enabled=true", "k8sattributes"},
		"hostPath and claim":     {"persistence.hostPath=/x,persistence.existingClaim=c", "/persistence"},
		"bad endpoint":           {"presets.otlpForward.endpoint=http://gw:4317", "/presets/otlpForward/endpoint"},
		"gomemlimit percent":     {"goMemLimitPercent=150", "/goMemLimitPercent"},
		"fullnameOverride case":  {"fullnameOverride=Gateway", "/fullnameOverride"},
		"nameOverride chars":     {"nameOverride=Collector_X", "/nameOverride"},
		"fullnameOverride digit": {"fullnameOverride=1gw", "/fullnameOverride"},
		"semconv action":         {"presets.semconv.action=drop", "/presets/semconv/action"},
		"es inline password":     {"presets.elasticsearch.password=abc", "password"},
		"es endpoint":            {"presets.elasticsearch.endpoint=elasticsearch:9200", "/presets/elasticsearch/endpoint"},
		"es signal":              {"presets.elasticsearch.signals={profiles}", "/presets/elasticsearch/signals"},
		"ch endpoint scheme":     {"presets.clickhouse.endpoint=mysql://ch:9004", "/presets/clickhouse/endpoint"},
		"ch inline password":     {"presets.clickhouse.existingSecret.password=abc", "password"},
		"ch no signals":          {"presets.clickhouse.signals=null", "signals"},
		"es empty signals":       {"presets.elasticsearch.signals={}", "/presets/elasticsearch/signals"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := render(t, "", tc.set)
			require.Error(t, err, "--set %s was accepted", tc.set)
			assert.Contains(t, err.Error(), "values don't meet the specifications of the schema")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// The chart refuses values the schema cannot judge alone: above all, two
// collectors sharing one file_storage directory (the second exits).
func TestChartRefuses(t *testing.T) {
	cases := map[string]struct {
		sets []string
		want string
	}{
		"hostPath in deployment":    {[]string{"persistence.hostPath=/var/lib/otelhub"}, "hostPath is for mode=daemonset only"},
		"hostPath in statefulset":   {[]string{"mode=statefulset", "persistence.hostPath=/var/lib/otelhub"}, "hostPath is for mode=daemonset only"},
		"claim with two replicas":   {[]string{"replicaCount=2", "persistence.existingClaim=q"}, "more than one replica"},
		"claim with autoscaling":    {[]string{"autoscaling.enabled=true", "persistence.existingClaim=q"}, "more than one replica"},
		"claim in daemonset":        {[]string{"mode=daemonset", "persistence.existingClaim=q"}, "existingClaim is for mode=deployment"},
		"claim in sidecar":          {[]string{"mode=sidecar", "persistence.existingClaim=q"}, "existingClaim is for mode=deployment"},
		"autoscaling in daemonset":  {[]string{"mode=daemonset", "autoscaling.enabled=true"}, "autoscaling is for mode=deployment"},
		"health check on loopback":  {[]string{"config.extensions.health_check.endpoint=localhost:13133"}, "listens on loopback"},
		"health check on ::1":       {[]string{"config.extensions.health_check.endpoint=[::1]:13133"}, "listens on loopback"},
		"no exporter at all":        {[]string{"presets.debug.enabled=false"}, "no pipeline has an exporter"},
		"queue on unknown exporter": {[]string{"presets.persistentQueue.enabled=true", "presets.persistentQueue.exporters={nope}"}, `names "nope"`},
		"bad memory limit":          {[]string{"resources.limits.memory=lots"}, "resources.limits.memory"},
		// Review cases: each rendered before, and Kubernetes or the
		// collector would then have failed at run time.
		"statefulset name > 52":       {[]string{"mode=statefulset", "fullnameOverride=" + strings.Repeat("a", 53)}, "at most 52"},
		"monitor, no metrics port":    {[]string{"serviceMonitor.enabled=true", "ports.metrics.enabled=false"}, "ports.metrics"},
		"podMonitor, no metrics port": {[]string{"mode=daemonset", "podMonitor.enabled=true", "ports.metrics.enabled=false"}, "ports.metrics"},
		"pdb in daemonset":            {[]string{"mode=daemonset", "podDisruptionBudget.enabled=true"}, "podDisruptionBudget"},
		"port nobody listens on":      {[]string{"config.receivers.otlp.protocols.grpc.endpoint=${env:OTELHUB_LISTEN_HOST}:4320"}, "ports.otlp-grpc"},
		"batch before disk queue": {[]string{"presets.otlpForward.enabled=true", "presets.persistentQueue.enabled=true",
			"config.processors.batch.timeout=1s", "config.service.pipelines.traces.processors={memory_limiter,batch}"}, "batch"},
		"hpa on cpu, no cpu request": {[]string{"autoscaling.enabled=true", "resources.requests=null"}, "resources.requests.cpu"},
		"es user and api key": {[]string{"presets.elasticsearch.enabled=true", "presets.elasticsearch.username=u",
			"presets.elasticsearch.existingSecret.name=s", "presets.elasticsearch.existingSecret.apiKeyKey=k"}, "not both"},
		"es user, no secret":   {[]string{"presets.elasticsearch.enabled=true", "presets.elasticsearch.username=u"}, "needs existingSecret.name"},
		"es secret, no method": {[]string{"presets.elasticsearch.enabled=true", "presets.elasticsearch.existingSecret.name=s"}, "would not be used"},
		"ch batch before disk queue": {[]string{"presets.clickhouse.enabled=true", "presets.persistentQueue.enabled=true",
			"config.processors.batch.timeout=1s", "config.service.pipelines.logs.processors={memory_limiter,batch}"}, "batch"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := render(t, "", tc.sets...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// One source per storage volume, whatever persistence says (hostPath once
// rendered beside the default emptyDir, which the API server refuses);
// a PVC per replica in statefulset mode.
func TestStorageVolume(t *testing.T) {
	storage := func(r *Rendered) *corev1.Volume {
		_, _, pod := r.Workload()
		for i, v := range pod.Spec.Volumes {
			if v.Name == "otelhub-storage" {
				return &pod.Spec.Volumes[i]
			}
		}
		return nil
	}
	v := storage(mustRender(t, "", "mode=daemonset", "persistence.hostPath=/var/lib/otelhub"))
	require.NotNil(t, v)
	require.NotNil(t, v.HostPath)
	assert.Nil(t, v.EmptyDir)
	assert.Equal(t, "/var/lib/otelhub", v.HostPath.Path)

	v = storage(mustRender(t, "", "persistence.existingClaim=queue"))
	require.NotNil(t, v.PersistentVolumeClaim)
	assert.Nil(t, v.EmptyDir)

	assert.NotNil(t, storage(mustRender(t, "")).EmptyDir)

	r := mustRender(t, "", "mode=statefulset", "replicaCount=3", "persistence.size=7Gi")
	assert.Nil(t, storage(r), "statefulset storage comes from the claim template")
	sts := r.All("StatefulSet")[0].Obj.(*appsv1.StatefulSet)
	require.Len(t, sts.Spec.VolumeClaimTemplates, 1)
	q := sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests[corev1.ResourceStorage]
	assert.True(t, q.Equal(memQuantity(t, "7Gi")), "claim size %s", q.String())
}

// Probes follow the health_check extension of the rendered config.
func TestProbesFollowConfig(t *testing.T) {
	r := mustRender(t, "", `config.extensions.health_check.endpoint=${env:MY_POD_IP}:13999`,
		"config.extensions.health_check.path=/healthz")
	_, _, pod := r.Workload()
	c := otelhubContainer(t, pod)
	assert.Equal(t, 13999, c.LivenessProbe.HTTPGet.Port.IntValue())
	assert.Equal(t, "/healthz", c.ReadinessProbe.HTTPGet.Path)
	checkRelease(t, r)

	// No health_check in the service: no probes (they could only fail).
	r = mustRender(t, "", "config.service.extensions=null")
	_, _, pod = r.Workload()
	assert.Nil(t, otelhubContainer(t, pod).LivenessProbe)
}

// Daemonset mode is a node-local agent: hostPorts for OTLP and a Service
// that keeps a node's traffic on that node.
func TestDaemonsetIsNodeLocal(t *testing.T) {
	r := mustRender(t, "", "mode=daemonset")
	_, _, pod := r.Workload()
	hostPorts := map[string]int32{}
	for _, p := range otelhubContainer(t, pod).Ports {
		hostPorts[p.Name] = p.HostPort
	}
	assert.Equal(t, map[string]int32{"otlp-grpc": 4317, "otlp-http": 4318, "metrics": 0}, hostPorts)
	svc := r.Get("Service", "otelhub").(*corev1.Service)
	assert.Equal(t, corev1.ServiceInternalTrafficPolicyLocal, *svc.Spec.InternalTrafficPolicy)

	r = mustRender(t, "")
	_, _, pod = r.Workload()
	for _, p := range otelhubContainer(t, pod).Ports {
		assert.Zero(t, p.HostPort, "no hostPort in deployment mode")
	}
}

func TestNames(t *testing.T) {
	names := func(r *Rendered) []string {
		var out []string
		for _, o := range r.Objects {
			out = append(out, o.Kind+"/"+o.Name)
		}
		return out
	}
	assert.Contains(t, names(mustRender(t, "", "fullnameOverride=otelhub-gateway")), "Service/otelhub-gateway")
	assert.Contains(t, names(mustRender(t, "", "nameOverride=collector")), "Service/otelhub-collector")
	assert.Contains(t, names(mustRender(t, "")), "Service/otelhub", "a release named like the chart is not prefixed twice")

	// The longest name the chart takes in statefulset mode still gives
	// valid Service, pod and revision names.
	assert.Equal(t, "statefulset", checkRelease(t, mustRender(t, "", "mode=statefulset", "fullnameOverride="+strings.Repeat("a", 52))))
	assert.Equal(t, "deployment", checkRelease(t, mustRender(t, "", "fullnameOverride="+strings.Repeat("a", 63))))
}

// The agent -> gateway scenario: the agents export to the Service the
// gateway scenario renders, the stateful delta -> cumulative runs in the
// agents (all points of a series meet on their pod's node), and the
// autoscaled gateway holds no such state.
func TestScaleOut(t *testing.T) {
	gw := mustRender(t, filepath.Join(chartDir, "ci", "scaleout-gateway-values.yaml"))
	agent := mustRender(t, filepath.Join(chartDir, "ci", "scaleout-agent-values.yaml"))
	lean := mustRender(t, filepath.Join(chartDir, "ci", "daemonset-values.yaml"))
	require.NotEmpty(t, gw.All("HorizontalPodAutoscaler"))

	for _, a := range []*Rendered{agent, lean} {
		kind, _, _ := a.Workload()
		assert.Equal(t, "DaemonSet", kind)
		ep, _ := releaseConfig(t, a).At("exporters", "otlp_grpc/forward", "endpoint").(string)
		host, port, _ := strings.Cut(ep, ":")
		svc, ok := gw.Get("Service", host).(*corev1.Service)
		require.True(t, ok, "agents export to %s, the gateway renders no such Service", ep)
		assert.True(t, servesPort(svc, port), "Service %s has no port %s", host, port)
	}
	assert.Contains(t, releaseConfig(t, agent).Strings("service", "pipelines", "metrics", "processors"), "deltatocumulative")
	gwCfg := releaseConfig(t, gw)
	// The HPA's new replicas get traffic only if agents reconnect: the
	// gateway caps its gRPC connections' age.
	assert.NotNil(t, gwCfg.At("receivers", "otlp", "protocols", "grpc", "keepalive", "server_parameters", "max_connection_age"),
		"gateway gRPC connections never end, so added replicas get no agent traffic")
	assert.NotNil(t, gwCfg.At("receivers", "otlp", "protocols", "grpc", "endpoint"), "the receiver keeps its endpoint")
	for _, p := range gwCfg.Pipelines() {
		assert.NotContains(t, gwCfg.Strings("service", "pipelines", p, "processors"), "deltatocumulative")
	}
}

func servesPort(svc *corev1.Service, port string) bool {
	for _, p := range svc.Spec.Ports {
		if strconv.Itoa(int(p.Port)) == port {
			return true
		}
	}
	return false
}

// Golden renders: any change to what the chart renders shows in review.
// Rewrite with `go test -run TestGolden -update`.
func TestGolden(t *testing.T) {
	cases := map[string][]string{
		"deployment-defaults": nil,
		"daemonset-agent":     {"--values", filepath.Join(chartDir, "ci", "daemonset-values.yaml")},
		"statefulset-vm":      {"--values", filepath.Join(chartDir, "ci", "statefulset-values.yaml")},
		"sidecar":             {"--values", filepath.Join(chartDir, "ci", "sidecar-values.yaml")},
	}
	for name, extra := range cases {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"template", "otelhub", chartDir, "--namespace", "observability"}, extra...)
			out, err := helm(t, args...)
			require.NoError(t, err)
			path := filepath.Join("testdata", name+".golden.yaml")
			if *update {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(path, []byte(out), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no golden file: run with -update")
			assert.Equal(t, string(want), out)
		})
	}
}

// checkRelease runs every check on a render and returns its mode.
func checkRelease(t *testing.T, r *Rendered) string {
	t.Helper()
	for _, o := range r.Objects {
		assert.Empty(t, validation.IsDNS1123Subdomain(o.Name), "%s name %q", o.Kind, o.Name)
		for k, v := range o.Labels {
			assert.Empty(t, validation.IsQualifiedName(k), "%s label key %q", o.Kind, k)
			assert.Empty(t, validation.IsValidLabelValue(v), "%s label %s=%q", o.Kind, k, v)
		}
	}
	cm := configMap(t, r)
	cfg, err := ParseConfig(cm)
	require.NoError(t, err)
	for _, o := range r.All("ConfigMap") {
		if c, err := ParseConfig(o.Obj.(*corev1.ConfigMap)); err == nil {
			assert.Empty(t, InlineSecrets(c), "credentials written into ConfigMap %s", o.Name)
		}
	}

	kind, _, pod := r.Workload()
	var claims []string
	mode := strings.ToLower(kind)
	if kind == "" {
		mode = "sidecar"
		pod = applySidecarPatch(t, r)
	}
	if sts, ok := r.Get("StatefulSet", cm.Name).(*appsv1.StatefulSet); ok {
		// The controller labels each pod with <name>-<revision hash> (up
		// to 10 characters), a label value of at most 63.
		assert.Empty(t, validation.IsValidLabelValue(sts.Name+"-7d9f8b6c5d"), "statefulset name %q too long for its pods' revision label", sts.Name)
		for _, c := range sts.Spec.VolumeClaimTemplates {
			claims = append(claims, c.Name)
		}
		assert.Contains(t, claims, "otelhub-storage", "statefulset: a claim per replica for the queue")
	}
	checkPod(t, mode, pod, claims, cfg, cm.Data["config.yaml"])
	if mode != "sidecar" {
		checkServices(t, r, mode, pod)
	}
	c := otelhubContainer(t, pod)
	validateWithBinary(t, c.Image, cm.Data["config.yaml"], c)
	return mode
}

// configMap is the release's collector ConfigMap (the one the pod mounts).
func configMap(t *testing.T, r *Rendered) *corev1.ConfigMap {
	t.Helper()
	for _, o := range r.All("ConfigMap") {
		cm := o.Obj.(*corev1.ConfigMap)
		if _, ok := cm.Data["config.yaml"]; ok {
			return cm
		}
	}
	t.Fatal("no ConfigMap with config.yaml")
	return nil
}

func releaseConfig(t *testing.T, r *Rendered) Config {
	t.Helper()
	cfg, err := ParseConfig(configMap(t, r))
	require.NoError(t, err)
	return cfg
}

// applySidecarPatch applies the rendered sidecar patch to a plain app
// Deployment, as `kubectl patch` would (strategic merge), and returns the
// resulting pod template, decoded strictly.
func applySidecarPatch(t *testing.T, r *Rendered) *corev1.PodTemplateSpec {
	t.Helper()
	var patch string
	for _, o := range r.All("ConfigMap") {
		if p, ok := o.Obj.(*corev1.ConfigMap).Data["patch.yaml"]; ok {
			patch = p
		}
	}
	require.NotEmpty(t, patch, "sidecar mode renders no patch")
	var asDeployment appsv1.Deployment
	require.NoError(t, yaml.UnmarshalStrict([]byte(patch), &asDeployment), "the patch is not a valid Deployment fragment")

	app := appsv1.Deployment{}
	app.APIVersion, app.Kind, app.Name = "apps/v1", "Deployment", "myapp"
	app.Spec.Template.Labels = map[string]string{"app": "myapp"}
	app.Spec.Template.Spec.Containers = []corev1.Container{{Name: "app", Image: "myapp:1"}}
	app.Spec.Template.Spec.Volumes = []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	orig, err := json.Marshal(app)
	require.NoError(t, err)
	pj, err := yaml.YAMLToJSON([]byte(patch))
	require.NoError(t, err)
	merged, err := strategicpatch.StrategicMergePatch(orig, pj, appsv1.Deployment{})
	require.NoError(t, err)
	var out appsv1.Deployment
	require.NoError(t, yaml.UnmarshalStrict(merged, &out))
	spec := out.Spec.Template.Spec
	assert.True(t, containsName(spec.Containers, "app"), "the app's container survives the patch")
	assert.Len(t, spec.Volumes, 3, "the app's volume and otelhub's two")
	return &out.Spec.Template
}

func containsName(cs []corev1.Container, name string) bool {
	for _, c := range cs {
		if c.Name == name {
			return true
		}
	}
	return false
}

// GOMEMLIMIT follows the memory limit in any unit, checked against the
// API's own quantity parser.
func TestGoMemLimit(t *testing.T) {
	for _, limit := range []string{"512Mi", "1500M", "2Gi", "1.5Gi", "3G", "800000Ki", "1e9", "1Pi"} {
		t.Run(limit, func(t *testing.T) {
			_, _, pod := mustRender(t, "", "resources.limits.memory="+limit).Workload()
			c := otelhubContainer(t, pod)
			q := memQuantity(t, limit)
			want := strconv.FormatInt(q.Value()*80/100/(1<<20), 10) + "MiB"
			var got string
			for _, e := range c.Env {
				if e.Name == "GOMEMLIMIT" {
					got = e.Value
				}
			}
			assert.Equal(t, want, got)
		})
	}
	_, _, pod := mustRender(t, "", "resources.limits=null").Workload()
	for _, e := range otelhubContainer(t, pod).Env {
		assert.NotEqual(t, "GOMEMLIMIT", e.Name, "no limit, no GOMEMLIMIT")
	}
}

// In statefulset mode the ServiceMonitor scrapes each pod once: through
// the Service, not the headless Service too (same pods, twice the series).
func TestServiceMonitorSelectsOneService(t *testing.T) {
	r := mustRender(t, "", "mode=statefulset", "serviceMonitor.enabled=true")
	checkRelease(t, r)
	sm := r.All("ServiceMonitor")
	require.Len(t, sm, 1)
	sel, err := metav1.LabelSelectorAsSelector(&sm[0].Obj.(*monitoringv1.ServiceMonitor).Spec.Selector)
	require.NoError(t, err)
	var selected []string
	for _, o := range r.All("Service") {
		if sel.Matches(labels.Set(o.Obj.(*corev1.Service).Labels)) {
			selected = append(selected, o.Name)
		}
	}
	assert.Equal(t, []string{"otelhub"}, selected)
}

// An image pinned by digest (tag@sha256:...) still gives valid labels:
// the version label is the tag, cut to what a label value may hold.
func TestImageDigest(t *testing.T) {
	tag := "0.1.0@sha256:" + strings.Repeat("ab", 32)
	r := mustRender(t, "", "image.tag="+tag)
	checkRelease(t, r)
	_, _, pod := r.Workload()
	assert.Equal(t, "otelhub/otelhub-gateway:"+tag, otelhubContainer(t, pod).Image)
	assert.Equal(t, "0.1.0", r.Get("Service", "otelhub").(*corev1.Service).Labels["app.kubernetes.io/version"])
}

// Changing a port in config and in ports together renders a consistent
// release (the chart checks that what the Service exposes is listened on).
func TestPortsFollowConfig(t *testing.T) {
	r := mustRender(t, "", "config.receivers.otlp.protocols.grpc.endpoint=${env:OTELHUB_LISTEN_HOST}:4320",
		"ports.otlp-grpc.containerPort=4320")
	checkRelease(t, r)
	_, _, pod := r.Workload()
	assert.Contains(t, otelhubContainer(t, pod).Ports, corev1.ContainerPort{Name: "otlp-grpc", ContainerPort: 4320, Protocol: corev1.ProtocolTCP})

	// A port from the environment is known only at run time: not refused.
	_, err := render(t, "", "config.receivers.otlp.protocols.grpc.endpoint=${env:OTELHUB_LISTEN_HOST}:${env:GRPC_PORT}")
	assert.NoError(t, err)
}

// The binary check can fail: a value the chart passes through but the
// collector refuses, and a config that needs a component the image lacks
// (deltatocumulative is not in the lean sidecar distribution).
func TestBinaryRefuses(t *testing.T) {
	cases := map[string]struct {
		file string
		sets []string
		want string
	}{
		"bad duration":           {"", []string{"config.processors.memory_limiter.check_interval=banana"}, "check_interval"},
		"component not in image": {filepath.Join(chartDir, "ci", "scaleout-agent-values.yaml"), []string{"image.repository=otelhub/otelhub-sidecar"}, `unknown type: "deltatocumulative"`},
		// The exporters' own Validate runs on the preset configs: the
		// full binary for elasticsearch, the lean one for clickhouse.
		"elasticsearch mapping":  {filepath.Join(chartDir, "ci", "elasticsearch-values.yaml"), []string{"config.exporters.elasticsearch.mapping.mode=bson"}, "mapping::mode"},
		"clickhouse gzip on tcp": {filepath.Join(chartDir, "ci", "clickhouse-values.yaml"), []string{"config.exporters.clickhouse.compression=gzip"}, "gzip is for http(s) endpoints"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := mustRender(t, tc.file, tc.sets...)
			_, _, pod := r.Workload()
			c := otelhubContainer(t, pod)
			out, err := runValidate(t, c.Image, configMap(t, r).Data["config.yaml"], c)
			require.Error(t, err)
			assert.Contains(t, out, tc.want)
		})
	}
}
