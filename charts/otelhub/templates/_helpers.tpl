{{/* Names. fullnameOverride wins; a release already named after the chart
is not prefixed twice. */}}
{{- define "otelhub.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "otelhub.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "otelhub.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "otelhub.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "otelhub.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "otelhub.selectorLabels" -}}
app.kubernetes.io/name: {{ include "otelhub.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "otelhub.labels" -}}
{{ include "otelhub.selectorLabels" . }}
app.kubernetes.io/component: {{ .Values.mode }}
{{- /* The tag without a digest (tag@sha256:...), as a label value may hold it. */}}
{{- $version := .Values.image.tag | default .Chart.AppVersion | splitList "@" | first | trunc 63 }}
app.kubernetes.io/version: {{ regexReplaceAll "[^A-Za-z0-9]+$" $version "" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* GOMEMLIMIT: goMemLimitPercent of resources.limits.memory, in MiB, so
the Go runtime collects harder before the kernel kills the container. */}}
{{- define "otelhub.gomemlimit" -}}
{{- $m := dig "limits" "memory" "" .Values.resources | toString -}}
{{- if $m -}}
{{- /* A Kubernetes quantity: a number, with a decimal exponent (1e9) or
one of the suffixes. */ -}}
{{- $num := regexFind "^[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?" $m -}}
{{- $unit := trimPrefix $num $m -}}
{{- $mult := dict "" 1.0 "k" 1000.0 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 -}}
{{- if or (not $num) (not (hasKey $mult $unit)) -}}
{{- fail (printf "resources.limits.memory %q: use a number (or 1e9-style exponent) with k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi or Ei" $m) -}}
{{- end -}}
{{- $bytes := mulf (float64 $num) (get $mult $unit) -}}
{{- printf "%dMiB" (divf (mulf $bytes .Values.goMemLimitPercent) 104857600.0 | floor | int64) -}}
{{- end -}}
{{- end -}}

{{/* Exporter presets. Each template gives:
  id       the exporter's id in the config
  signals  the pipelines (by signal) it is added to
  queue    whether presets.persistentQueue puts its sending queue on disk
  exporter its config (values under config.exporters.<id> win)
  env      [{name, secret, key}]: env vars from existing Secrets, which the
           exporter config references as ${env:NAME}
A new exporter preset is one template here, its name in
otelhub.exporterPresets, its values and its schema entry. */}}
{{- define "otelhub.exporterPresets" -}}
{{- list "debug" "otlpForward" "victoriametrics" "elasticsearch" "clickhouse" | toJson -}}
{{- end -}}

{{- define "otelhub.preset.debug" -}}
id: debug
signals: [traces, metrics, logs]
queue: false
exporter:
  verbosity: {{ .Values.presets.debug.verbosity }}
{{- end -}}

{{- define "otelhub.preset.otlpForward" -}}
{{- $p := .Values.presets.otlpForward -}}
id: otlp_grpc/forward
signals: [traces, metrics, logs]
queue: true
exporter:
  endpoint: {{ $p.endpoint | quote }}
  tls:
    insecure: {{ $p.insecure }}
{{- end -}}

{{- define "otelhub.preset.victoriametrics" -}}
{{- $p := .Values.presets.victoriametrics -}}
id: victoriametrics
signals: [metrics{{ if $p.logsEndpoint }}, logs{{ end }}]
queue: true
exporter:
  endpoint: {{ $p.endpoint | quote }}
  {{- with $p.tenant }}
  tenant: {{ . | quote }}
  {{- end }}
  {{- /* The logs endpoint has its own HTTP client (the exporter copies
  nothing of the metrics one to it), so it gets its own header. */}}
  {{- with $p.logsEndpoint }}
  logs:
    endpoint: {{ . | quote }}
    {{- if $p.existingSecret.name }}
    headers:
      Authorization: "Bearer ${env:OTELHUB_VICTORIALOGS_TOKEN}"
    {{- end }}
  {{- end }}
  {{- if $p.existingSecret.name }}
  headers:
    Authorization: "Bearer ${env:OTELHUB_VICTORIAMETRICS_TOKEN}"
  {{- end }}
env:
  {{- if $p.existingSecret.name }}
  - name: OTELHUB_VICTORIAMETRICS_TOKEN
    secret: {{ $p.existingSecret.name | quote }}
    key: {{ $p.existingSecret.bearerTokenKey | quote }}
  {{- if $p.logsEndpoint }}
  - name: OTELHUB_VICTORIALOGS_TOKEN
    secret: {{ $p.existingSecret.name | quote }}
    key: {{ $p.existingSecret.logsBearerTokenKey | default $p.existingSecret.bearerTokenKey | quote }}
  {{- end }}
  {{- end }}
{{- end -}}

{{- define "otelhub.preset.elasticsearch" -}}
{{- $p := .Values.presets.elasticsearch -}}
{{- $s := $p.existingSecret -}}
{{- if and $p.username $s.apiKeyKey -}}
{{- fail "presets.elasticsearch: set username (basic auth, password from existingSecret.passwordKey) or existingSecret.apiKeyKey (an API key), not both: the exporter takes one" -}}
{{- end -}}
{{- if and (or $p.username $s.apiKeyKey) (not $s.name) -}}
{{- fail "presets.elasticsearch: username or existingSecret.apiKeyKey needs existingSecret.name, the Secret holding the password or API key" -}}
{{- end -}}
{{- if and $s.name (not $p.username) (not $s.apiKeyKey) -}}
{{- fail "presets.elasticsearch.existingSecret.name is set, but neither username (for basic auth with existingSecret.passwordKey) nor existingSecret.apiKeyKey: the Secret would not be used" -}}
{{- end -}}
id: elasticsearch
signals: {{ toJson $p.signals }}
queue: true
exporter:
  endpoint: {{ $p.endpoint | quote }}
  {{- if $s.apiKeyKey }}
  api_key: "${env:OTELHUB_ELASTICSEARCH_API_KEY}"
  {{- else if $p.username }}
  user: {{ $p.username | quote }}
  password: "${env:OTELHUB_ELASTICSEARCH_PASSWORD}"
  {{- end }}
env:
  {{- if $s.apiKeyKey }}
  - name: OTELHUB_ELASTICSEARCH_API_KEY
    secret: {{ $s.name | quote }}
    key: {{ $s.apiKeyKey | quote }}
  {{- else if $p.username }}
  - name: OTELHUB_ELASTICSEARCH_PASSWORD
    secret: {{ $s.name | quote }}
    key: {{ $s.passwordKey | quote }}
  {{- end }}
{{- end -}}

{{- define "otelhub.preset.clickhouse" -}}
{{- $p := .Values.presets.clickhouse -}}
{{- $s := $p.existingSecret -}}
id: clickhouse
signals: {{ toJson $p.signals }}
queue: true
exporter:
  endpoint: {{ $p.endpoint | quote }}
  database: {{ $p.database | quote }}
  {{- with $p.username }}
  username: {{ . | quote }}
  {{- end }}
  {{- if $s.name }}
  password: "${env:OTELHUB_CLICKHOUSE_PASSWORD}"
  {{- end }}
env:
  {{- if $s.name }}
  - name: OTELHUB_CLICKHOUSE_PASSWORD
    secret: {{ $s.name | quote }}
    key: {{ $s.passwordKey | quote }}
  {{- end }}
{{- end -}}

{{/* The collector config: `config` with the presets merged in, as YAML
under `config`, plus `env` (secret env vars) and `dropped` (pipelines
left without an exporter, which are left out). */}}
{{- define "otelhub.rendered" -}}
{{- $cfg := deepCopy .Values.config -}}
{{- $presets := .Values.presets -}}
{{- range $k := list "extensions" "receivers" "processors" "exporters" "service" -}}
{{- if not (get $cfg $k) }}{{ $_ := set $cfg $k dict }}{{ end -}}
{{- end -}}
{{- if not $cfg.service.pipelines }}{{ $_ := set $cfg.service "pipelines" dict }}{{ end -}}
{{- /* Processors from presets, by signal, placed right after memory_limiter. */ -}}
{{- $procs := dict "traces" list "metrics" list "logs" list -}}
{{- if $presets.semconv.enabled -}}
{{- $_ := set $cfg.processors "semconv" (mergeOverwrite (dict "action" $presets.semconv.action) (get $cfg.processors "semconv" | default dict)) -}}
{{- range $s := list "traces" "metrics" "logs" }}{{ $_ := set $procs $s (append (get $procs $s) "semconv") }}{{ end -}}
{{- end -}}
{{- if $presets.patterns.enabled -}}
{{- $_ := set $cfg.processors "pattern" (get $cfg.processors "pattern" | default dict) -}}
{{- $_ := set $procs "logs" (append (get $procs "logs") "pattern") -}}
{{- end -}}
{{- range $name, $p := $cfg.service.pipelines -}}
{{- $added := get $procs (first (splitList "/" $name)) | default list -}}
{{- $head := list }}{{ $rest := list -}}
{{- range $p.processors -}}
{{- if eq . "memory_limiter" }}{{ $head = append $head . }}{{ else if not (has . $added) }}{{ $rest = append $rest . }}{{ end -}}
{{- end -}}
{{- $_ := set $p "processors" (concat $head $added $rest) -}}
{{- end -}}
{{- /* Exporter presets. */ -}}
{{- $env := list }}{{ $queued := list -}}
{{- range $preset := include "otelhub.exporterPresets" $ | fromJsonArray -}}
{{- if (get $presets $preset).enabled -}}
{{- $spec := include (printf "otelhub.preset.%s" $preset) $ | fromYaml -}}
{{- $id := $spec.id -}}
{{- $_ := set $cfg.exporters $id (mergeOverwrite $spec.exporter (get $cfg.exporters $id | default dict)) -}}
{{- range $name, $p := $cfg.service.pipelines -}}
{{- $ex := $p.exporters | default list -}}
{{- if and (has (first (splitList "/" $name)) $spec.signals) (not (has $id $ex)) -}}
{{- $_ := set $p "exporters" (append $ex $id) -}}
{{- end -}}
{{- end -}}
{{- if $spec.queue }}{{ $queued = append $queued $id }}{{ end -}}
{{- range $spec.env }}{{ $env = append $env . }}{{ end -}}
{{- end -}}
{{- end -}}
{{- /* The persistent queue: file_storage on the storage volume, used by the
preset exporters and the ones named in presets.persistentQueue.exporters. */ -}}
{{- if $presets.persistentQueue.enabled -}}
{{- $_ := set $cfg.extensions "file_storage/queue" (mergeOverwrite (dict "directory" "/var/lib/otelhub/queue" "create_directory" true) (get $cfg.extensions "file_storage/queue" | default dict)) -}}
{{- $exts := $cfg.service.extensions | default list -}}
{{- if not (has "file_storage/queue" $exts) }}{{ $_ := set $cfg.service "extensions" (append $exts "file_storage/queue") }}{{ end -}}
{{- include "otelhub.jsonDepthGuard" $cfg -}}
{{- range $id := concat $queued $presets.persistentQueue.exporters -}}
{{- if not (hasKey $cfg.exporters $id) -}}
{{- fail (printf "presets.persistentQueue.exporters names %q, which is not an exporter of config" $id) -}}
{{- end -}}
{{- $e := get $cfg.exporters $id | default dict -}}
{{- $q := get $e "sending_queue" | default dict -}}
{{- $_ := set $q "storage" "file_storage/queue" -}}
{{- /* Batch inside the queue, after the data is on disk: a batch processor
in front would acknowledge records that a crash then loses. */ -}}
{{- if not (hasKey $q "batch") }}{{ $_ := set $q "batch" dict }}{{ end -}}
{{- $_ := set $e "sending_queue" $q -}}
{{- $_ := set $cfg.exporters $id $e -}}
{{- end -}}
{{- end -}}
{{- /* A batch processor in front of a disk-queued exporter answers the
client before the data is on disk; a crash then loses acknowledged data. */ -}}
{{- if $presets.persistentQueue.enabled -}}
{{- $onDisk := concat $queued $presets.persistentQueue.exporters -}}
{{- range $name, $p := $cfg.service.pipelines -}}
{{- range $proc := $p.processors | default list -}}
{{- if or (eq $proc "batch") (hasPrefix "batch/" $proc) -}}
{{- range $id := $p.exporters | default list -}}
{{- if has $id $onDisk -}}
{{- fail (printf "pipeline %s runs processor %s in front of %s, whose queue is on disk (presets.persistentQueue): the batch processor acknowledges records before they reach the disk, so a crash loses them. Drop it: the queue batches (sending_queue.batch)" $name $proc $id) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* A pipeline with no exporter is invalid: leave it out, and say so. */ -}}
{{- $dropped := list -}}
{{- range $name, $p := $cfg.service.pipelines }}{{ if not $p.exporters }}{{ $dropped = append $dropped $name }}{{ end }}{{ end -}}
{{- range $dropped }}{{ $_ := unset $cfg.service.pipelines . }}{{ end -}}
{{- if not $cfg.service.pipelines -}}
{{- fail "no pipeline has an exporter: enable an exporter preset (presets.debug, presets.otlpForward, presets.victoriametrics, presets.elasticsearch, presets.clickhouse) or add one to config" -}}
{{- end -}}
{{- $found := dict "paths" list -}}
{{- include "otelhub.findInlineSecrets" (dict "node" $cfg "path" "config" "acc" $found) -}}
{{- with $found.paths -}}
{{- fail (printf "%s holds a credential written out: the ConfigMap is readable by anyone who can read the namespace. Put it in a Secret and reference it as ${env:NAME} (extraEnv with valueFrom.secretKeyRef, or an exporter preset's existingSecret)" (join ", " .)) -}}
{{- end -}}
{{ dict "config" $cfg "env" $env "dropped" $dropped | toYaml }}
{{- end -}}

{{/* The json_depth extension in front of the persistent queue: an item is
read back from disk by pdata's protobuf decoder, which stops at 100 nested
values, so an OTLP/JSON request nested deeper would be acknowledged and
then dropped with everything queued beside it. The guard, a confighttp
middleware, refuses such requests with a 400 before they are acknowledged.
It runs on the HTTP protocol of every OTLP receiver (gRPC carries protobuf,
which the receiver's own decoder limits). Mutates the config it is given. */}}
{{- define "otelhub.jsonDepthGuard" -}}
{{- $cfg := . -}}
{{- $_ := set $cfg.extensions "json_depth" (get $cfg.extensions "json_depth" | default dict) -}}
{{- $exts := $cfg.service.extensions | default list -}}
{{- if not (has "json_depth" $exts) }}{{ $_ := set $cfg.service "extensions" (append $exts "json_depth") }}{{ end -}}
{{- range $id, $r := $cfg.receivers -}}
{{- if and (or (eq $id "otlp") (hasPrefix "otlp/" $id)) (kindIs "map" $r) (hasKey (dig "protocols" dict $r) "http") -}}
{{- $http := get $r.protocols "http" | default dict -}}
{{- $mw := get $http "middlewares" | default list -}}
{{- $ids := list }}{{ range $mw }}{{ $ids = append $ids (get . "id") }}{{ end -}}
{{- if not (has "json_depth" $ids) }}{{ $_ := set $http "middlewares" (append $mw (dict "id" "json_depth")) }}{{ end -}}
{{- $_ := set $r.protocols "http" $http -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Collects, into .acc.paths, credential-like keys (auth headers, tokens,
passwords, API keys, TLS private keys, htpasswd `inline`) whose value is
not an ${env:...} or ${file:...} reference, in maps and lists. */}}
{{- define "otelhub.findInlineSecrets" -}}
{{- $acc := .acc }}{{ $path := .path -}}
{{- if kindIs "slice" .node -}}
{{- /* Lists too: e.g. a prometheus receiver's scrape_configs[].basic_auth. */ -}}
{{- range $i, $v := .node -}}
{{- include "otelhub.findInlineSecrets" (dict "node" $v "path" (printf "%s[%d]" $path $i) "acc" $acc) -}}
{{- end -}}
{{- else if kindIs "map" .node -}}
{{- range $k, $v := .node -}}
{{- if or (kindIs "map" $v) (kindIs "slice" $v) -}}
{{- include "otelhub.findInlineSecrets" (dict "node" $v "path" (printf "%s.%s" $path $k) "acc" $acc) -}}
{{- else if and (kindIs "string" $v) $v (regexMatch "(?i)^(authorization|.*token|.*password|.*passwd|.*secret|.*api[-_]?key|.*credentials?|key_pem|inline)$" $k) (not (contains "${env:" $v)) (not (contains "${file:" $v)) -}}
{{- $_ := set $acc "paths" (append $acc.paths (printf "%s.%s" $path $k)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The health_check extension the service runs: its port and path, for
the probes. Empty when there is none. */}}
{{- define "otelhub.health" -}}
{{- $cfg := (include "otelhub.rendered" . | fromYaml).config -}}
{{- range $id := $cfg.service.extensions | default list -}}
{{- if or (eq $id "health_check") (hasPrefix "health_check/" $id) -}}
{{- $h := get $cfg.extensions $id | default dict -}}
{{- $ep := $h.endpoint | default "localhost:13133" -}}
{{- if or (hasPrefix "localhost:" $ep) (hasPrefix "127." $ep) (hasPrefix "[::1]:" $ep) -}}
{{- fail (printf "extensions.%s.endpoint %q listens on loopback: the kubelet's probes cannot reach it; use ${env:MY_POD_IP}:PORT" $id $ep) -}}
{{- end -}}
{{ dict "port" (last (splitList ":" $ep) | int) "path" ($h.path | default "/") | toYaml }}
{{- break -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Refuse values under which two collectors would share one file_storage
directory (the second one times out on the lock and exits), or under which
a volume would be invalid. */}}
{{- define "otelhub.checkPersistence" -}}
{{- $p := .Values.persistence -}}
{{- $mode := .Values.mode -}}
{{- if and $p.hostPath $p.existingClaim -}}
{{- fail "persistence: set hostPath or existingClaim, not both" -}}
{{- end -}}
{{- if and $p.hostPath (ne $mode "daemonset") -}}
{{- fail (printf "persistence.hostPath is for mode=daemonset only: in mode=%s two pods on one node would share the directory and the second would exit; use mode=statefulset for a PVC per replica" $mode) -}}
{{- end -}}
{{- if $p.existingClaim -}}
{{- if ne $mode "deployment" -}}
{{- fail (printf "persistence.existingClaim is for mode=deployment with one replica; mode=%s would share it (statefulset mode makes a PVC per replica itself)" $mode) -}}
{{- end -}}
{{- if or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled -}}
{{- fail "persistence.existingClaim with more than one replica (or autoscaling) would share one file_storage directory; use mode=statefulset for a PVC per replica" -}}
{{- end -}}
{{- end -}}
{{- if and (eq $mode "sidecar") (or $p.hostPath $p.existingClaim) -}}
{{- fail "mode=sidecar uses an emptyDir: one pod per workload replica would share a hostPath or claim" -}}
{{- end -}}
{{- end -}}

{{/* Refuse values Kubernetes accepts but that cannot work: names too long
for a StatefulSet's pods, container ports nothing in the config listens
on, HPA targets without the request they are a percentage of. */}}
{{- define "otelhub.checkWorkload" -}}
{{- $name := include "otelhub.fullname" . -}}
{{- if and (eq .Values.mode "statefulset") (gt (len $name) 52) -}}
{{- fail (printf "mode=statefulset: the name %q has %d characters, at most 52: the StatefulSet controller labels its pods with <name>-<10-character revision hash>, a label value of at most 63" $name (len $name)) -}}
{{- end -}}
{{- if ne .Values.mode "sidecar" -}}
{{- $cfg := (include "otelhub.rendered" . | fromYaml).config -}}
{{- $acc := dict "ports" list -}}
{{- include "otelhub.listenPorts" (dict "node" (pick $cfg "receivers" "extensions" "connectors") "acc" $acc) -}}
{{- include "otelhub.listenPorts" (dict "node" (dig "telemetry" dict $cfg.service) "acc" $acc) -}}
{{- range $pname, $p := .Values.ports -}}
{{- if and $p.enabled (not $acc.dynamic) (not (has (int $p.containerPort) $acc.ports)) -}}
{{- fail (printf "ports.%s.containerPort is %d, but nothing in config listens on it (config listens on %v): the Service and monitors would point at a closed port. Change both, or set ports.%s.enabled=false" $pname (int $p.containerPort) $acc.ports $pname) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (eq .Values.mode "deployment") -}}
{{- if and .Values.autoscaling.targetCPUUtilizationPercentage (not (dig "requests" "cpu" "" .Values.resources)) -}}
{{- fail "autoscaling.targetCPUUtilizationPercentage needs resources.requests.cpu: the HPA scales on a percentage of the request" -}}
{{- end -}}
{{- if and .Values.autoscaling.targetMemoryUtilizationPercentage (not (dig "requests" "memory" "" .Values.resources)) -}}
{{- fail "autoscaling.targetMemoryUtilizationPercentage needs resources.requests.memory: the HPA scales on a percentage of the request" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Collects into .acc.ports the ports a config tree listens on: the
port of every `endpoint` (host:port) and every integer `port`; sets
.acc.dynamic when an endpoint's port is an ${env:...} reference. */}}
{{- define "otelhub.listenPorts" -}}
{{- $acc := .acc -}}
{{- if kindIs "map" .node -}}
{{- range $k, $v := .node -}}
{{- if and (eq $k "endpoint") (kindIs "string" $v) (regexMatch ":[0-9]+$" $v) -}}
{{- $_ := set $acc "ports" (append $acc.ports (last (splitList ":" $v) | int)) -}}
{{- else if and (eq $k "endpoint") (kindIs "string" $v) (hasSuffix "}" $v) -}}
{{- /* A port from ${env:...}: known only at run time. */ -}}
{{- $_ := set $acc "dynamic" true -}}
{{- else if and (eq $k "port") (or (kindIs "float64" $v) (kindIs "int64" $v) (kindIs "int" $v)) -}}
{{- $_ := set $acc "ports" (append $acc.ports (int $v)) -}}
{{- else -}}
{{- include "otelhub.listenPorts" (dict "node" $v "acc" $acc) -}}
{{- end -}}
{{- end -}}
{{- else if kindIs "slice" .node -}}
{{- range .node }}{{ include "otelhub.listenPorts" (dict "node" . "acc" $acc) }}{{ end -}}
{{- end -}}
{{- end -}}

{{/* The otelhub container, for the workloads and the sidecar patch. */}}
{{- define "otelhub.container" -}}
{{- $r := include "otelhub.rendered" . | fromYaml -}}
{{- $health := include "otelhub.health" . | fromYaml -}}
{{- $sidecar := eq .Values.mode "sidecar" -}}
name: otelhub
image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
imagePullPolicy: {{ .Values.image.pullPolicy }}
args: ["--config=/conf/config.yaml"]
{{- if and $sidecar .Values.sidecar.native }}
restartPolicy: Always
{{- end }}
env:
  - name: MY_POD_IP
    valueFrom:
      fieldRef:
        fieldPath: status.podIP
  {{- if $sidecar }}
  - name: OTELHUB_LISTEN_HOST
    value: 127.0.0.1
  {{- else }}
  - name: OTELHUB_LISTEN_HOST
    valueFrom:
      fieldRef:
        fieldPath: status.podIP
  {{- end }}
  {{- with include "otelhub.gomemlimit" . }}
  - name: GOMEMLIMIT
    value: {{ . | quote }}
  {{- end }}
  {{- range $r.env }}
  - name: {{ .name }}
    valueFrom:
      secretKeyRef:
        name: {{ .secret }}
        key: {{ .key }}
  {{- end }}
  {{- with .Values.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- if not $sidecar }}
ports:
  {{- range $name, $p := .Values.ports }}
  {{- if $p.enabled }}
  - name: {{ $name }}
    containerPort: {{ $p.containerPort }}
    protocol: {{ $p.protocol | default "TCP" }}
    {{- if and (eq $.Values.mode "daemonset") $p.hostPort }}
    hostPort: {{ $p.hostPort }}
    {{- end }}
  {{- end }}
  {{- end }}
{{- end }}
{{- with $health }}
livenessProbe:
  httpGet:
    path: {{ .path }}
    port: {{ .port }}
readinessProbe:
  httpGet:
    path: {{ .path }}
    port: {{ .port }}
{{- end }}
resources:
  {{- toYaml .Values.resources | nindent 2 }}
securityContext:
  {{- $sc := deepCopy .Values.securityContext }}
  {{- if $sidecar }}
  {{- /* The app owns the pod's securityContext: keep the user here. */}}
  {{- $sc = mergeOverwrite $sc (pick .Values.podSecurityContext "runAsNonRoot" "runAsUser" "runAsGroup") }}
  {{- end }}
  {{- toYaml $sc | nindent 2 }}
volumeMounts:
  - name: otelhub-config
    mountPath: /conf
    readOnly: true
  - name: otelhub-storage
    mountPath: /var/lib/otelhub
{{- end -}}

{{/* The pod's volumes. In statefulset mode the storage volume is a claim
template instead. Exactly one source each: never emptyDir and hostPath. */}}
{{- define "otelhub.volumes" -}}
- name: otelhub-config
  configMap:
    name: {{ include "otelhub.fullname" . }}
{{- if ne .Values.mode "statefulset" }}
- name: otelhub-storage
  {{- if .Values.persistence.hostPath }}
  hostPath:
    path: {{ .Values.persistence.hostPath }}
    type: DirectoryOrCreate
  {{- else if .Values.persistence.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.persistence.existingClaim }}
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- end }}
{{- end -}}

{{- define "otelhub.configChecksum" -}}
{{- include (print .Template.BasePath "/configmap.yaml") . | sha256sum -}}
{{- end -}}

{{/* The pod template of the Deployment, DaemonSet and StatefulSet. */}}
{{- define "otelhub.pod" -}}
{{- include "otelhub.checkPersistence" . -}}
{{- include "otelhub.checkWorkload" . -}}
metadata:
  labels:
    {{- include "otelhub.selectorLabels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # Roll the pods when the configuration changes.
    checksum/config: {{ include "otelhub.configChecksum" . }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "otelhub.serviceAccountName" . }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  containers:
    - {{ include "otelhub.container" . | nindent 6 | trim }}
  volumes:
    {{- include "otelhub.volumes" . | nindent 4 }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
