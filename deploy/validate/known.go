package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// known is what the manifests may name: the processes deploy/start.sh runs, the variables Klaxon
// reads (declared in the config.ts schemas), and the gateway's routing file.
type known struct {
	processes   map[string]bool
	variables   map[string]bool
	gatewayConf string
	upstreams   []string
}

var (
	startCase   = regexp.MustCompile(`(?m)^\s*([a-z| -]+)\)\s*main=`)
	variable    = regexp.MustCompile(`\bKLAXON_[A-Z0-9_]+\b`)
	upstreamDef = regexp.MustCompile(`upstream\s+([a-z]+)\s*\{\s*server\s+([a-z]+):(\d+);`)
)

func readKnown(root string) (known, error) {
	k := known{processes: map[string]bool{}, variables: map[string]bool{}}
	start, err := os.ReadFile(filepath.Join(root, "deploy", "start.sh"))
	if err != nil {
		return k, err
	}
	for _, m := range startCase.FindAllStringSubmatch(string(start), -1) {
		for _, name := range strings.Split(m[1], "|") {
			k.processes[strings.TrimSpace(name)] = true
		}
	}
	configs, err := filepath.Glob(filepath.Join(root, "*", "*", "src", "config.ts"))
	if err != nil {
		return k, err
	}
	for _, file := range configs {
		text, err := os.ReadFile(file)
		if err != nil {
			return k, err
		}
		for _, name := range variable.FindAllString(string(text), -1) {
			k.variables[name] = true
		}
	}
	conf, err := os.ReadFile(filepath.Join(root, "deploy", "gateway", "nginx.conf"))
	if err != nil {
		return k, err
	}
	k.gatewayConf = string(conf)
	for _, m := range upstreamDef.FindAllStringSubmatch(k.gatewayConf, -1) {
		k.upstreams = append(k.upstreams, m[2]+":"+m[3])
	}
	return k, nil
}
