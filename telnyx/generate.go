package telnyx

// The public models (RoomSession, RoomParticipant, their enums: every record the
// operations answer with and what it reaches) are generated from the spec into
// models.gen.go, and the limits of the query parameters into limits.gen.go. modelgen
// derives which schemas are models and writes the overlay api/codegen/models.yaml uses.
//go:generate go run ../internal/modelgen -spec ../api/openapi.yaml -mode public -shape ../api/codegen/models-overlay.yaml -overlay ../api/codegen/models-overlay.gen.yaml -index models_index.gen_test.go -index-package telnyx_test -limits limits.gen.go -limits-package telnyx
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../api/codegen/models.yaml ../api/openapi.yaml

// What the spec requires of each operation's answer is generated into required.gen.go,
// a table of jsonstream.Shape that body.go checks answers against as they stream.
//go:generate go run ../internal/genrequired -o required.gen.go ../api/openapi.yaml
