package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// specDoc is api/openapi.yaml as a YAML tree, which the drills change structurally: they
// address mappings by their keys, so the order and the layout of the spec do not matter.
type specDoc struct{ root *yaml.Node }

func parseSpec(data []byte) (*specDoc, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("parsing api/openapi.yaml: %w", err)
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) != 1 || n.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("api/openapi.yaml is not a YAML mapping")
	}
	return &specDoc{root: n.Content[0]}, nil
}

func (d *specDoc) bytes() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(d.root); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// path is a list of mapping keys from the document's root.
func path(keys ...string) []string { return keys }

// schemaProps is the path of the properties of a component schema, or of one of its
// properties when prop is given.
func schemaProps(schema string, prop ...string) []string {
	p := path("components", "schemas", schema, "properties")
	return append(p, prop...)
}

// mapping returns the mapping at p.
func (d *specDoc) mapping(p []string) (*yaml.Node, error) {
	n := d.root
	for i, k := range p {
		_, v := entry(n, k)
		if v == nil {
			return nil, fmt.Errorf("no %s", strings.Join(p[:i+1], "."))
		}
		n = v
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s is not a mapping", strings.Join(p, "."))
	}
	return n, nil
}

// entry returns the key and value nodes of key in the mapping m.
func entry(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// value parses a YAML snippet into a node.
func value(snippet string) (*yaml.Node, error) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(snippet), &n); err != nil {
		return nil, fmt.Errorf("snippet %q: %w", snippet, err)
	}
	if len(n.Content) != 1 {
		return nil, fmt.Errorf("snippet %q is empty", snippet)
	}
	return n.Content[0], nil
}

// add adds key, holding the YAML snippet, to the mapping at p; the key must be new.
func (d *specDoc) add(p []string, key, snippet string) error {
	m, err := d.mapping(p)
	if err != nil {
		return err
	}
	if k, _ := entry(m, key); k != nil {
		return fmt.Errorf("%s already has %s", strings.Join(p, "."), key)
	}
	v, err := value(snippet)
	if err != nil {
		return err
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	return nil
}

// set sets key of the mapping at p to the YAML snippet, adding it or replacing it.
func (d *specDoc) set(p []string, key, snippet string) error {
	m, err := d.mapping(p)
	if err != nil {
		return err
	}
	v, err := value(snippet)
	if err != nil {
		return err
	}
	if k, _ := entry(m, key); k != nil {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i] == k {
				m.Content[i+1] = v
			}
		}
		return nil
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	return nil
}

// replace replaces the value of key, which must exist, in the mapping at p.
func (d *specDoc) replace(p []string, key, snippet string) error {
	m, err := d.mapping(p)
	if err != nil {
		return err
	}
	if k, _ := entry(m, key); k == nil {
		return fmt.Errorf("%s has no %s", strings.Join(p, "."), key)
	}
	return d.set(p, key, snippet)
}

// rename renames key, which must exist, in the mapping at p.
func (d *specDoc) rename(p []string, key, to string) error {
	m, err := d.mapping(p)
	if err != nil {
		return err
	}
	k, _ := entry(m, key)
	if k == nil {
		return fmt.Errorf("%s has no %s", strings.Join(p, "."), key)
	}
	if other, _ := entry(m, to); other != nil {
		return fmt.Errorf("%s already has %s", strings.Join(p, "."), to)
	}
	k.Value = to
	return nil
}
