package webhook

// The payload types (SessionStarted, ParticipantJoined, ...) and the delivery envelope are
// generated from the x-webhooks events of the spec into events.gen.go, and the Type
// constants, the table Parse decodes with and the sealing methods into
// events_index.gen.go. internal/webhookgen derives them and the overlay that
// api/codegen/webhook.yaml uses, so a new event reaches users with no hand-written line.
//go:generate go run ../../internal/webhookgen -spec ../../api/openapi.yaml -shape ../../api/codegen/webhook-overlay.yaml -overlay ../../api/codegen/webhook-overlay.gen.yaml -events events_index.gen.go -package webhook
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../../api/codegen/webhook.yaml ../../api/openapi.yaml
