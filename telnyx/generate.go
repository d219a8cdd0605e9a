package telnyx

// The public models (RoomSession, RoomParticipant and their enums) are generated from the
// spec into models.gen.go; api/codegen/models.yaml says how.
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../api/codegen/models.yaml ../api/openapi.yaml
