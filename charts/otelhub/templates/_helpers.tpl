{{- define "otelhub.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "otelhub.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "otelhub.labels" -}}
{{ include "otelhub.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The pod spec, shared by the Deployment and the DaemonSet. */}}
{{- define "otelhub.pod" -}}
metadata:
  labels:
    {{- include "otelhub.selectorLabels" . | nindent 4 }}
  annotations:
    # Roll the pods when the configuration changes.
    checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  containers:
    - name: otelhub
      image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      args: ["--config=/conf/config.yaml"]
      env:
        - name: MY_POD_IP
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
      ports:
        {{- range $name, $port := .Values.ports }}
        - name: {{ $name }}
          containerPort: {{ $port }}
        {{- end }}
      livenessProbe:
        httpGet: {path: /, port: 13133}
      readinessProbe:
        httpGet: {path: /, port: 13133}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      volumeMounts:
        - {name: config, mountPath: /conf}
        - {name: storage, mountPath: /var/lib/otelhub}
  volumes:
    - name: config
      configMap:
        name: {{ include "otelhub.fullname" . }}
    - name: storage
      {{- toYaml .Values.persistence | nindent 6 }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
