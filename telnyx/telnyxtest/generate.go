package telnyxtest

// The state types Session and Participant are generated from the spec into models.gen.go;
// api/codegen/fake-models.yaml says how.
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../../api/codegen/fake-models.yaml ../../api/openapi.yaml
