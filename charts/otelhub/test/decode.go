package charttest

import (
	"fmt"
	"regexp"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// Object is one rendered manifest, decoded into its API type.
type Object struct {
	Kind   string
	Name   string
	Labels map[string]string
	Obj    any
}

// Rendered is what one helm template run produced.
type Rendered struct {
	Objects []Object
}

// kinds maps apiVersion/kind to a new value of the API type. A kind the
// chart renders that is missing here fails the decode.
var kinds = map[string]func() any{
	"v1/ConfigMap":                            func() any { return &corev1.ConfigMap{} },
	"v1/Service":                              func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                       func() any { return &corev1.ServiceAccount{} },
	"apps/v1/Deployment":                      func() any { return &appsv1.Deployment{} },
	"apps/v1/DaemonSet":                       func() any { return &appsv1.DaemonSet{} },
	"apps/v1/StatefulSet":                     func() any { return &appsv1.StatefulSet{} },
	"autoscaling/v2/HorizontalPodAutoscaler":  func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1/PodDisruptionBudget":           func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1/NetworkPolicy":      func() any { return &networkingv1.NetworkPolicy{} },
	"monitoring.coreos.com/v1/ServiceMonitor": func() any { return &monitoringv1.ServiceMonitor{} },
	"monitoring.coreos.com/v1/PodMonitor":     func() any { return &monitoringv1.PodMonitor{} },
}

var docSep = regexp.MustCompile(`(?m)^---\s*$`)

// Decode splits helm template output into documents and decodes each one
// strictly: an unknown or duplicated field is an error, as it is for a
// strict server-side apply.
func Decode(out string) (*Rendered, error) {
	r := &Rendered{}
	for _, doc := range docSep.Split(out, -1) {
		if isEmptyDoc(doc) {
			continue
		}
		obj, err := DecodeStrict([]byte(doc))
		if err != nil {
			return nil, err
		}
		r.Objects = append(r.Objects, obj)
	}
	return r, nil
}

// DecodeStrict decodes one manifest into its API type.
func DecodeStrict(doc []byte) (Object, error) {
	var tm struct {
		metav1.TypeMeta `json:",inline"`
		Metadata        struct {
			Name   string            `json:"name"`
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return Object{}, fmt.Errorf("not YAML: %w", err)
	}
	key := tm.APIVersion + "/" + tm.Kind
	newObj, ok := kinds[key]
	if !ok {
		return Object{}, fmt.Errorf("%s %q: kind not known to the test", key, tm.Metadata.Name)
	}
	obj := newObj()
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		return Object{}, fmt.Errorf("%s %q: %w", key, tm.Metadata.Name, err)
	}
	return Object{Kind: tm.Kind, Name: tm.Metadata.Name, Labels: tm.Metadata.Labels, Obj: obj}, nil
}

func isEmptyDoc(doc string) bool {
	for _, line := range strings.Split(doc, "\n") {
		l := strings.TrimSpace(line)
		if l != "" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}

// All returns the objects of a kind.
func (r *Rendered) All(kind string) []Object {
	var out []Object
	for _, o := range r.Objects {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// Get returns the object of a kind and name, or nil.
func (r *Rendered) Get(kind, name string) any {
	for _, o := range r.Objects {
		if o.Kind == kind && o.Name == name {
			return o.Obj
		}
	}
	return nil
}

// Workload is the pod template and metadata of the one Deployment,
// DaemonSet or StatefulSet rendered, or nil (sidecar mode).
func (r *Rendered) Workload() (kind string, meta *metav1.ObjectMeta, pod *corev1.PodTemplateSpec) {
	for _, o := range r.Objects {
		switch w := o.Obj.(type) {
		case *appsv1.Deployment:
			return o.Kind, &w.ObjectMeta, &w.Spec.Template
		case *appsv1.DaemonSet:
			return o.Kind, &w.ObjectMeta, &w.Spec.Template
		case *appsv1.StatefulSet:
			return o.Kind, &w.ObjectMeta, &w.Spec.Template
		}
	}
	return "", nil, nil
}
