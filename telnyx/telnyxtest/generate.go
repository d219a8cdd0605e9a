package telnyxtest

// The state types (Session, Participant: one per public model of package telnyx) are
// generated from the spec into models.gen.go; modelgen derives them and writes the
// overlay api/codegen/fake-models.yaml uses, and the strict wire copies of the models
// the tests decode answers into (wire_models.gen_test.go).
//go:generate go run ../../internal/modelgen -spec ../../api/openapi.yaml -mode fake -shape ../../api/codegen/fake-overlay.yaml -public-shape ../../api/codegen/models-overlay.yaml -overlay ../../api/codegen/fake-overlay.gen.yaml -index models_index.gen_test.go -index-package telnyxtest -wire wire_models.gen_test.go -wire-package telnyxtest_test
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../../api/codegen/fake-models.yaml ../../api/openapi.yaml
