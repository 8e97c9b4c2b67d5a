// Offline validation of the deployment manifests, run by .ci/run (no Docker engine or cluster there):
//   - deploy/k8s: each kustomization (base and overlays) rendered with kustomize's own library, every
//     object strictly decoded into its Kubernetes API type (an unknown or misspelt field fails), then
//     cross-checked: probes, resources, selectors, references, autoscaling targets, variables.
//   - docker-compose.yml: loaded by compose-go, which validates it against the Compose
//     specification's JSON schema, then cross-checked the same way.
//
// Both must name only processes deploy/start.sh runs and variables Klaxon reads.
//
//	go run .           validate (exit 1 on the first report)
//	go run . -sync     first copy deploy/gateway/nginx.conf into the gateway ConfigMap
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// problems collects every failed check, so one run reports all of them.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func main() {
	sync := flag.Bool("sync", false, "copy deploy/gateway/nginx.conf into deploy/k8s/base/gateway.yaml first")
	flag.Parse()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		fail(err)
	}
	if *sync {
		if err := syncGatewayConfig(root); err != nil {
			fail(err)
		}
	}
	known, err := readKnown(root)
	if err != nil {
		fail(err)
	}
	var found problems
	checked := 0
	for _, dir := range []string{"deploy/k8s/base", "deploy/k8s/overlays/small", "deploy/k8s/overlays/production"} {
		n := validateKustomization(root, dir, known, &found)
		fmt.Printf("%s: %d objects\n", dir, n)
		checked += n
	}
	validateCompose(root, known, &found)
	fmt.Println("docker-compose.yml: loaded against the Compose specification")
	for _, p := range found {
		fmt.Fprintln(os.Stderr, "FAIL", p)
	}
	if len(found) > 0 {
		os.Exit(1)
	}
	fmt.Printf("deploy manifests valid (%d Kubernetes objects, Compose file)\n", checked)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "FAIL", err)
	os.Exit(1)
}
