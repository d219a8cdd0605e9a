package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// The committed table is what the spec gives: a spec change that changes what is
// required fails here until `make generate` has run.
func TestCommittedTableIsCurrent(t *testing.T) {
	spec, err := os.ReadFile("../../api/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := generate(spec, "telnyx")
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../telnyx/required.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Fatal("telnyx/required.gen.go does not match api/openapi.yaml: run make generate and commit")
	}
}

// miniSpec is a spec with one operation answering schema Answer, defined by schemas.
func miniSpec(schemas string) []byte {
	return []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    get:
      operationId: ListThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Answer'
components:
  schemas:
` + schemas)
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name    string
		schemas string
		want    []string // parts of the generated code
		err     string   // part of the error, when generation must fail
	}{
		{
			name: "nullable, non-empty and nested",
			schemas: `    Answer:
      type: object
      required: [data, when]
      properties:
        data: {type: array, items: {$ref: '#/components/schemas/Thing'}}
        when: {type: string, nullable: true}
    Thing:
      type: object
      required: [id, n]
      properties:
        id: {type: string, format: uuid}
        n: {type: integer}
`,
			want: []string{
				`import "github.com/roomsessions/telnyx-go/internal/jsonstream"`,
				`"ListThings": &shapeAnswer,`,
				`Required: []jsonstream.Prop{{Name: "data"}, {Name: "when", Nullable: true}}`,
				`"data": {` + "\n\t\t\tItems: &shapeThing,",
				`Required: []jsonstream.Prop{{Name: "id", NonEmpty: true}, {Name: "n"}}`,
			},
		},
		{
			name: "a schema that contains itself",
			schemas: `    Answer:
      type: object
      properties:
        child: {$ref: '#/components/schemas/Answer'}
        id: {type: string}
      required: [id]
`,
			want: []string{`"child": &shapeAnswer,`},
		},
		{
			name: "nothing required",
			schemas: `    Answer:
      type: object
      properties:
        id: {type: string}
`,
			want: []string{`"ListThings": &jsonstream.Shape{},`},
		},
		{
			name: "allOf",
			schemas: `    Answer:
      allOf: [{type: object}]
`,
			err: "#/components/schemas/Answer: allOf, anyOf, oneOf and not are not supported",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := generate(miniSpec(tt.schemas), "telnyx")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(src), w) {
					t.Errorf("generated code lacks %q:\n%s", w, src)
				}
			}
		})
	}
}

func TestGenerateRefusesTooManyRequired(t *testing.T) {
	var props, names []string
	for i := range maxRequired + 1 {
		names = append(names, fmt.Sprintf("p%d", i))
		props = append(props, fmt.Sprintf("        p%d: {type: integer}", i))
	}
	schemas := "    Answer:\n      type: object\n      required: [" + strings.Join(names, ", ") + "]\n      properties:\n" + strings.Join(props, "\n") + "\n"
	if _, err := generate(miniSpec(schemas), "telnyx"); err == nil || !strings.Contains(err.Error(), "more than the 64") {
		t.Fatalf("error %v, want one about more than 64 required properties", err)
	}
}
