package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// The dev cluster's processes (scripts/dev-cluster.sh), which the Compose file must also run.
var klaxonServices = []string{"ingest", "catalog", "grouping", "escalation", "notify"}

func validateCompose(root string, k known, p *problems) {
	file := filepath.Join(root, "docker-compose.yml")
	project, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: []types.ConfigFile{{Filename: file}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) { o.SetProjectName("klaxon", true) })
	if err != nil {
		p.add("docker-compose.yml: %v", err)
		return
	}
	for _, name := range append([]string{"postgres", "kafka", "topics", "gateway"}, klaxonServices...) {
		if _, ok := project.Services[name]; !ok {
			p.add("docker-compose.yml: no service %s", name)
		}
	}
	if g, ok := project.Services["grouping"]; ok && (g.Deploy == nil || g.Deploy.Replicas == nil || *g.Deploy.Replicas < 2) {
		p.add("docker-compose.yml: grouping runs fewer than two replicas")
	}
	for name, s := range project.Services {
		where := "docker-compose.yml service " + name
		// Images are pinned: a tag, never an implicit latest.
		if _, tag, ok := strings.Cut(s.Image, ":"); !ok || tag == "" || tag == "latest" {
			p.add("%s: image %q has no pinned tag", where, s.Image)
		}
		if s.Build != nil {
			if _, err := os.Stat(filepath.Join(s.Build.Context, s.Build.Dockerfile)); err != nil {
				p.add("%s: %v", where, err)
			}
			if len(s.Command) != 1 || !k.processes[s.Command[0]] {
				p.add("%s: command %v names no process of deploy/start.sh", where, []string(s.Command))
			}
			for variable := range s.Environment {
				if !k.variables[variable] {
					p.add("%s: %s is not a variable Klaxon reads", where, variable)
				}
			}
			if s.HealthCheck == nil || s.HealthCheck.Disable != (s.Command[0] == "topics") {
				p.add("%s: a service needs the /readyz health check (the topic-init step none)", where)
			}
		}
		for _, v := range s.Volumes {
			if v.Type == types.VolumeTypeBind {
				if _, err := os.Stat(v.Source); err != nil {
					p.add("%s: bind mount %v", where, err)
				}
			} else if _, ok := project.Volumes[v.Source]; !ok {
				p.add("%s: volume %s is not declared", where, v.Source)
			}
		}
	}
	// The gateway's upstreams are services of this file, on the port they listen on (KLAXON_PORT 8080).
	for _, upstream := range k.upstreams {
		name, port, _ := strings.Cut(upstream, ":")
		if _, ok := project.Services[name]; !ok || port != "8080" {
			p.add("docker-compose.yml: the gateway's upstream %s is no service on 8080", upstream)
		}
	}
	if g, ok := project.Services["gateway"]; ok && (len(g.Ports) != 1 || g.Ports[0].Target != 8080) {
		p.add("docker-compose.yml: the gateway must publish its port 8080 (nginx.conf's listen)")
	}
}
