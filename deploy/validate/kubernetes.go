package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// rendered holds one kustomization's objects, decoded into their API types.
type rendered struct {
	deployments []appsv1.Deployment
	services    []corev1.Service
	configMaps  map[string]corev1.ConfigMap
	secrets     map[string]corev1.Secret
	jobs        []batchv1.Job
	hpas        []autoscalingv2.HorizontalPodAutoscaler
	pdbs        []policyv1.PodDisruptionBudget
	ingresses   []networkingv1.Ingress
}

// decodeInto decodes one object into its API type, failing on a field the type does not have (a
// typo) and on a duplicated field, and appends it to the list of its kind.
func decodeInto[T any](doc []byte, list *[]T) error {
	var o T
	if err := yaml.UnmarshalStrict(doc, &o); err != nil {
		return err
	}
	*list = append(*list, o)
	return nil
}

func render(root, dir string) (rendered, int, error) {
	r := rendered{configMaps: map[string]corev1.ConfigMap{}, secrets: map[string]corev1.Secret{}}
	var configMaps []corev1.ConfigMap
	var secrets []corev1.Secret
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), filepath.Join(root, dir))
	if err != nil {
		return r, 0, err
	}
	for _, res := range resources.Resources() {
		doc, err := res.AsYAML()
		if err != nil {
			return r, 0, err
		}
		id := fmt.Sprintf("%s %s/%s", dir, res.GetKind(), res.GetName())
		key := res.GetApiVersion() + " " + res.GetKind()
		var decodeErr error
		switch key {
		case "apps/v1 Deployment":
			decodeErr = decodeInto(doc, &r.deployments)
		case "v1 Service":
			decodeErr = decodeInto(doc, &r.services)
		case "v1 ConfigMap":
			decodeErr = decodeInto(doc, &configMaps)
		case "v1 Secret":
			decodeErr = decodeInto(doc, &secrets)
		case "batch/v1 Job":
			decodeErr = decodeInto(doc, &r.jobs)
		case "autoscaling/v2 HorizontalPodAutoscaler":
			decodeErr = decodeInto(doc, &r.hpas)
		case "policy/v1 PodDisruptionBudget":
			decodeErr = decodeInto(doc, &r.pdbs)
		case "networking.k8s.io/v1 Ingress":
			decodeErr = decodeInto(doc, &r.ingresses)
		default:
			decodeErr = fmt.Errorf("no API type known for %s", key)
		}
		if decodeErr != nil {
			return r, 0, fmt.Errorf("%s: %w", id, decodeErr)
		}
	}
	for _, cm := range configMaps {
		r.configMaps[cm.Name] = cm
	}
	for _, s := range secrets {
		r.secrets[s.Name] = s
	}
	return r, len(resources.Resources()), nil
}

func validateKustomization(root, dir string, k known, p *problems) int {
	r, n, err := render(root, dir)
	if err != nil {
		p.add("%s: %v", dir, err)
		return 0
	}
	deployments := map[string]appsv1.Deployment{}
	for _, d := range r.deployments {
		deployments[d.Name] = d
		checkPodSpec(dir, "Deployment/"+d.Name, d.Spec.Template.Spec, r, k, p, true)
		if !selects(d.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
			p.add("%s Deployment/%s: selector does not select its own pods", dir, d.Name)
		}
	}
	for _, j := range r.jobs {
		checkPodSpec(dir, "Job/"+j.Name, j.Spec.Template.Spec, r, k, p, false)
	}
	services := map[string]corev1.Service{}
	for _, s := range r.services {
		services[s.Name] = s
		d, ok := deployments[s.Name]
		if !ok || !selects(s.Spec.Selector, d.Spec.Template.Labels) {
			p.add("%s Service/%s: selects no Deployment's pods", dir, s.Name)
			continue
		}
		for _, port := range s.Spec.Ports {
			if !hasPort(d.Spec.Template.Spec.Containers, port.TargetPort.String()) {
				p.add("%s Service/%s: targetPort %s is no container port", dir, s.Name, port.TargetPort.String())
			}
		}
	}
	for _, name := range []string{"ingest", "grouping"} {
		if !hasHPA(r.hpas, name) {
			p.add("%s: no HorizontalPodAutoscaler for %s", dir, name)
		}
		if !hasPDB(r.pdbs, deployments[name]) {
			p.add("%s: no PodDisruptionBudget selecting %s", dir, name)
		}
	}
	for _, h := range r.hpas {
		if _, ok := deployments[h.Spec.ScaleTargetRef.Name]; !ok || h.Spec.ScaleTargetRef.Kind != "Deployment" {
			p.add("%s HorizontalPodAutoscaler/%s: targets no Deployment", dir, h.Name)
		}
		// Replicas past events.accepted's partitions would sit idle.
		if h.Name == "grouping" && h.Spec.MaxReplicas > 12 {
			p.add("%s HorizontalPodAutoscaler/grouping: maxReplicas %d above the 12 partitions", dir, h.Spec.MaxReplicas)
		}
	}
	for _, ing := range r.ingresses {
		for _, rule := range ing.Spec.Rules {
			for _, path := range rule.HTTP.Paths {
				s, ok := services[path.Backend.Service.Name]
				if !ok || !servicePort(s, path.Backend.Service.Port.Name, path.Backend.Service.Port.Number) {
					p.add("%s Ingress/%s: backend %s has no such Service port", dir, ing.Name, path.Backend.Service.Name)
				}
			}
		}
	}
	// The gateway routes with deploy/gateway/nginx.conf, to upstreams that must be Services here.
	if cm, ok := r.configMaps["gateway-nginx"]; !ok || cm.Data["nginx.conf"] != k.gatewayConf {
		p.add("%s ConfigMap/gateway-nginx: differs from deploy/gateway/nginx.conf (run `go run . -sync` in deploy/validate)", dir)
	}
	for _, upstream := range k.upstreams {
		name, port, _ := strings.Cut(upstream, ":")
		if s, ok := services[name]; !ok || !servicePort(s, "", atoi(port)) {
			p.add("%s: the gateway's upstream %s is no Service port", dir, upstream)
		}
	}
	return n
}

// checkPodSpec: a Klaxon container runs a process start.sh knows, sets only variables Klaxon reads
// from ConfigMaps and Secrets that exist, and (in a Deployment) has probes and resources.
func checkPodSpec(dir, id string, spec corev1.PodSpec, r rendered, k known, p *problems, serving bool) {
	for _, c := range spec.Containers {
		where := fmt.Sprintf("%s %s container %s", dir, id, c.Name)
		if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
			p.add("%s: no resource requests and limits", where)
		}
		if strings.HasPrefix(c.Image, "nginx") {
			continue
		}
		if len(c.Args) != 1 || !k.processes[c.Args[0]] {
			p.add("%s: args %v name no process of deploy/start.sh", where, c.Args)
		}
		for _, from := range c.EnvFrom {
			if from.ConfigMapRef != nil {
				cm, ok := r.configMaps[from.ConfigMapRef.Name]
				if !ok {
					p.add("%s: ConfigMap %s does not exist", where, from.ConfigMapRef.Name)
				}
				for name := range cm.Data {
					if !k.variables[name] {
						p.add("%s: ConfigMap %s sets %s, which Klaxon does not read", where, cm.Name, name)
					}
				}
			}
		}
		for _, env := range c.Env {
			if !k.variables[env.Name] {
				p.add("%s: %s is not a variable Klaxon reads", where, env.Name)
			}
			if ref := env.ValueFrom; ref != nil && ref.SecretKeyRef != nil {
				s, ok := r.secrets[ref.SecretKeyRef.Name]
				if _, has := s.StringData[ref.SecretKeyRef.Key]; !ok || (!has && s.Data[ref.SecretKeyRef.Key] == nil) {
					p.add("%s: Secret %s has no key %s", where, ref.SecretKeyRef.Name, ref.SecretKeyRef.Key)
				}
			}
		}
		if !serving {
			continue
		}
		for probe, want := range map[string]struct {
			probe *corev1.Probe
			path  string
		}{"liveness": {c.LivenessProbe, "/healthz"}, "readiness": {c.ReadinessProbe, "/readyz"}, "startup": {c.StartupProbe, "/healthz"}} {
			if want.probe == nil || want.probe.HTTPGet == nil || want.probe.HTTPGet.Path != want.path ||
				!hasPort([]corev1.Container{c}, want.probe.HTTPGet.Port.String()) {
				p.add("%s: %s probe must GET %s on a container port", where, probe, want.path)
			}
		}
	}
}

func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func hasPort(containers []corev1.Container, port string) bool {
	for _, c := range containers {
		for _, cp := range c.Ports {
			if cp.Name == port || fmt.Sprint(cp.ContainerPort) == port {
				return true
			}
		}
	}
	return false
}

func servicePort(s corev1.Service, name string, number int32) bool {
	for _, port := range s.Spec.Ports {
		if (name != "" && port.Name == name) || (number != 0 && port.Port == number) {
			return true
		}
	}
	return false
}

func hasHPA(hpas []autoscalingv2.HorizontalPodAutoscaler, name string) bool {
	for _, h := range hpas {
		if h.Spec.ScaleTargetRef.Name == name {
			return true
		}
	}
	return false
}

func hasPDB(pdbs []policyv1.PodDisruptionBudget, d appsv1.Deployment) bool {
	for _, b := range pdbs {
		if b.Spec.Selector != nil && selects(b.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
			return true
		}
	}
	return false
}

func atoi(s string) int32 {
	var n int32
	fmt.Sscan(s, &n)
	return n
}

// syncGatewayConfig rewrites the gateway ConfigMap's nginx.conf (the end of gateway.yaml) from
// deploy/gateway/nginx.conf, the one place the routing is written.
func syncGatewayConfig(root string) error {
	file := filepath.Join(root, "deploy", "k8s", "base", "gateway.yaml")
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	conf, err := os.ReadFile(filepath.Join(root, "deploy", "gateway", "nginx.conf"))
	if err != nil {
		return err
	}
	head, _, found := strings.Cut(string(text), "  nginx.conf: |\n")
	if !found {
		return fmt.Errorf("%s: no `nginx.conf: |` block", file)
	}
	var b strings.Builder
	b.WriteString(head + "  nginx.conf: |\n")
	for _, line := range strings.Split(strings.TrimSuffix(string(conf), "\n"), "\n") {
		if line != "" {
			b.WriteString("    " + line)
		}
		b.WriteString("\n")
	}
	return os.WriteFile(file, []byte(b.String()), 0o644)
}
