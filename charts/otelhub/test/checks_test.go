package charttest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
)

// checkPod checks a pod template the way the API server and the kubelet
// would see it, against the collector config it runs.
func checkPod(t *testing.T, mode string, pod *corev1.PodTemplateSpec, claims []string, cfg Config, rawCfg string) {
	t.Helper()
	c := otelhubContainer(t, pod)

	// Each volume has exactly one source: the API server refuses two
	// (e.g. emptyDir and hostPath together).
	vols := map[string]bool{}
	for _, v := range pod.Spec.Volumes {
		assert.Equal(t, 1, setFields(v.VolumeSource), "volume %s must have exactly one source", v.Name)
		assert.Empty(t, validation.IsDNS1123Label(v.Name), "volume name %s", v.Name)
		vols[v.Name] = true
	}
	for _, cl := range claims {
		vols[cl] = true
	}
	for _, m := range c.VolumeMounts {
		assert.True(t, vols[m.Name], "volumeMount %s has no volume", m.Name)
	}

	// Ports: valid names and numbers; hostPort only where one pod per node.
	for _, p := range c.Ports {
		assert.Empty(t, validation.IsValidPortName(p.Name), "port name %q", p.Name)
		assert.Empty(t, validation.IsValidPortNum(int(p.ContainerPort)), "port %d", p.ContainerPort)
		// Something in the config listens there, or the Service and
		// monitors point at a closed port.
		assert.True(t, strings.Contains(rawCfg, fmt.Sprintf(":%d\n", p.ContainerPort)) || strings.Contains(rawCfg, fmt.Sprintf("port: %d\n", p.ContainerPort)),
			"container port %s (%d): the config listens on no such port", p.Name, p.ContainerPort)
		if p.HostPort != 0 {
			assert.Equal(t, "daemonset", mode, "hostPort %d outside daemonset mode", p.HostPort)
		}
	}

	// Probes follow the config's health_check, or there are none.
	if port, path, ok := cfg.Health(); ok {
		for _, pr := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe} {
			require.NotNil(t, pr, "health_check runs on %d, but a probe is missing", port)
			require.NotNil(t, pr.HTTPGet)
			assert.Equal(t, port, pr.HTTPGet.Port.IntValue(), "probe port")
			assert.Equal(t, path, pr.HTTPGet.Path, "probe path")
		}
	} else {
		assert.Nil(t, c.LivenessProbe, "no health_check in the config, but a liveness probe")
	}

	// Every ${env:NAME} the config needs is set on the container.
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	for _, name := range EnvRefs(rawCfg) {
		assert.Contains(t, env, name, "config references ${env:%s}, the container does not set it", name)
	}

	// GOMEMLIMIT is 80% of the memory limit, computed here with the API's
	// own quantity parser.
	if lim, ok := c.Resources.Limits[corev1.ResourceMemory]; ok {
		want := fmt.Sprintf("%dMiB", lim.Value()*80/100/(1<<20))
		assert.Equal(t, want, env["GOMEMLIMIT"].Value, "GOMEMLIMIT for a %s limit", lim.String())
	}

	// Non-root, read-only root filesystem.
	sc := c.SecurityContext
	require.NotNil(t, sc)
	assert.True(t, sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem, "readOnlyRootFilesystem")
	nonRoot := sc.RunAsNonRoot
	if nonRoot == nil && pod.Spec.SecurityContext != nil {
		nonRoot = pod.Spec.SecurityContext.RunAsNonRoot
	}
	assert.True(t, nonRoot != nil && *nonRoot, "runAsNonRoot")
}

// otelhubContainer finds the otelhub container, plain or native sidecar.
func otelhubContainer(t *testing.T, pod *corev1.PodTemplateSpec) *corev1.Container {
	t.Helper()
	for _, list := range [][]corev1.Container{pod.Spec.Containers, pod.Spec.InitContainers} {
		for i := range list {
			if list[i].Name == "otelhub" {
				return &list[i]
			}
		}
	}
	t.Fatal("no otelhub container in the pod")
	return nil
}

// setFields counts the non-nil pointer fields of a struct (the sources of
// a VolumeSource).
func setFields(v any) int {
	rv := reflect.ValueOf(v)
	n := 0
	for i := range rv.NumField() {
		if f := rv.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			n++
		}
	}
	return n
}

// checkServices: valid names and ports, targets that name container ports,
// selectors that pick the pods.
func checkServices(t *testing.T, r *Rendered, mode string, pod *corev1.PodTemplateSpec) {
	t.Helper()
	for _, o := range r.All("Service") {
		svc := o.Obj.(*corev1.Service)
		assert.Empty(t, validation.IsDNS1035Label(svc.Name), "service name %s", svc.Name)
		assert.True(t, labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(pod.Labels)), "service %s selects no pod", svc.Name)
		c := otelhubContainer(t, pod)
		for _, p := range svc.Spec.Ports {
			assert.Empty(t, validation.IsValidPortName(p.Name), "service port name %q", p.Name)
			assert.Empty(t, validation.IsValidPortNum(int(p.Port)), "service port %d", p.Port)
			assert.True(t, slices.ContainsFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.Name == p.TargetPort.String() }),
				"service %s targets port %s, which the container does not name", svc.Name, p.TargetPort.String())
		}
		if mode == "daemonset" && svc.Spec.ClusterIP != corev1.ClusterIPNone {
			require.NotNil(t, svc.Spec.InternalTrafficPolicy)
			assert.Equal(t, corev1.ServiceInternalTrafficPolicyLocal, *svc.Spec.InternalTrafficPolicy, "daemonset Service keeps traffic on the node")
		}
	}
}

// validateWithBinary runs `otelhub validate` on a rendered config with the
// environment the container would have (pod IP fields as 127.0.0.1,
// Secret keys as a stand-in value).
func validateWithBinary(t *testing.T, image string, cfg string, c *corev1.Container) {
	t.Helper()
	out, err := runValidate(t, image, cfg, c)
	require.NoError(t, err, "%s validate:\n%s\nconfig:\n%s", filepath.Base(binaryFor(t, image)), out, cfg)
}

func runValidate(t *testing.T, image string, cfg string, c *corev1.Container) (string, error) {
	t.Helper()
	bin := binaryFor(t, image)
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	cmd := exec.Command(bin, "validate", "--config="+path)
	cmd.Env = containerEnv(t, c)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// containerEnv is the environment the container would have: pod IP
// fields as 127.0.0.1, and each Secret key as secretValue(name, key).
func containerEnv(t *testing.T, c *corev1.Container) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env = append(env, e.Name+"="+e.Value)
		case e.ValueFrom.FieldRef != nil:
			env = append(env, e.Name+"=127.0.0.1")
		case e.ValueFrom.SecretKeyRef != nil:
			env = append(env, e.Name+"="+secretValue(e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key))
		}
	}
	return env
}

// secretValue stands in for the value of a key of an existing Secret.
func secretValue(name, key string) string {
	return "stand-in-" + name + "-" + key
}

// binaryFor picks the distribution an image holds: the sidecar image has
// the lean set, every other image the full one.
func binaryFor(t *testing.T, image string) string {
	t.Helper()
	dir := os.Getenv("OTELHUB_BIN_DIR")
	if dir == "" {
		dir = filepath.Join(chartDir, "..", "..", "bin")
	}
	name := "otelhub"
	if strings.Contains(image, "otelhub-sidecar") {
		name = "otelhub-sidecar"
	}
	bin := filepath.Join(dir, name)
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("no %s: build it first (`make %s`, or `make chart-test` builds it)", bin, name)
	}
	abs, err := filepath.Abs(bin)
	require.NoError(t, err)
	return abs
}

// memQuantity parses a quantity for the tests' own arithmetic.
func memQuantity(t *testing.T, s string) resource.Quantity {
	t.Helper()
	q, err := resource.ParseQuantity(s)
	require.NoError(t, err)
	return q
}
