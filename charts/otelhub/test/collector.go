package charttest

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// Config is a collector config as rendered into the ConfigMap.
type Config map[string]any

// ParseConfig reads the config.yaml of a ConfigMap.
func ParseConfig(cm *corev1.ConfigMap) (Config, error) {
	raw, ok := cm.Data["config.yaml"]
	if !ok {
		return nil, fmt.Errorf("configmap %s has no config.yaml", cm.Name)
	}
	var c Config
	if err := yaml.Unmarshal([]byte(raw), &c); err != nil {
		return nil, fmt.Errorf("configmap %s: %w", cm.Name, err)
	}
	return c, nil
}

// At walks a path of map keys; nil when any step is missing.
func (c Config) At(path ...string) any {
	var cur any = map[string]any(c)
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

// Strings reads a list of strings at a path.
func (c Config) Strings(path ...string) []string {
	l, _ := c.At(path...).([]any)
	out := make([]string, 0, len(l))
	for _, v := range l {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

// Pipelines returns the pipeline names, sorted.
func (c Config) Pipelines() []string {
	m, _ := c.At("service", "pipelines").(map[string]any)
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Health is where the collector's health_check extension listens, if the
// service runs one: the probes must point there.
func (c Config) Health() (port int, path string, ok bool) {
	for _, id := range c.Strings("service", "extensions") {
		if id != "health_check" && !strings.HasPrefix(id, "health_check/") {
			continue
		}
		ep, _ := c.At("extensions", id, "endpoint").(string)
		if ep == "" {
			ep = "localhost:13133" // the extension's default
		}
		p, err := strconv.Atoi(ep[strings.LastIndex(ep, ":")+1:])
		if err != nil {
			return 0, "", false
		}
		path, _ = c.At("extensions", id, "path").(string)
		if path == "" {
			path = "/"
		}
		return p, path, true
	}
	return 0, "", false
}

var envRef = regexp.MustCompile(`\$\{env:([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}`)

// EnvRefs lists the ${env:NAME} references without a default.
func EnvRefs(raw string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range envRef.FindAllStringSubmatch(raw, -1) {
		if m[2] == "" && !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// secretKey names config keys that carry credentials (HTTP auth headers,
// tokens, passwords, API keys, configtls' key_pem, basicauth's htpasswd
// inline).
var secretKey = regexp.MustCompile(`(?i)^(authorization|.*token|.*password|.*passwd|.*secret|.*api[-_]?key|.*credentials?|key_pem|inline)$`)

// InlineSecrets returns the paths of credential-like keys whose value is
// written out instead of referenced (${env:...} or ${file:...}).
func InlineSecrets(c Config) []string {
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, sub := range t {
				p := prefix + "." + k
				if s, ok := sub.(string); ok && secretKey.MatchString(k) && s != "" &&
					!strings.Contains(s, "${env:") && !strings.Contains(s, "${file:") {
					out = append(out, p)
					continue
				}
				walk(p, sub)
			}
		case []any:
			for i, sub := range t {
				walk(fmt.Sprintf("%s[%d]", prefix, i), sub)
			}
		}
	}
	walk("", map[string]any(c))
	sort.Strings(out)
	return out
}
