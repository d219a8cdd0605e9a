package webhook

// The payload types (SessionStarted, ParticipantJoined, ...) and the delivery envelope are
// generated from the x-webhooks events of the spec into events.gen.go;
// api/codegen/webhook.yaml says how.
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../../api/codegen/webhook.yaml ../../api/openapi.yaml
