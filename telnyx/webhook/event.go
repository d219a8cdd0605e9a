package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Event is one verified delivery of a video room event.
type Event struct {
	// ID is the event's id, the same on every redelivery: the key for de-duplication.
	ID string
	// Type is the event type, as "video.room.participant.joined" ([TypeParticipantJoined]).
	Type string
	// OccurredAt is when the event happened: order events by it, not by arrival.
	OccurredAt time.Time
	// Attempt is the delivery attempt, 1 for the first.
	Attempt int
	// DeliveredTo is the URL Telnyx delivered the event to.
	DeliveredTo string
	// Payload is what happened: one of *SessionStarted, *SessionEnded,
	// *ParticipantJoined, *ParticipantLeft, *RecordingStarted, *RecordingCompleted,
	// *CompositionCompleted, or *UnknownPayload for an event type this package does not know.
	Payload Payload
}

// Payload is the payload of an [Event]; a type switch tells which. Only this package's
// types implement it.
type Payload interface {
	isPayload()
}

// UnknownPayload is the payload of an event type this package does not know yet (a
// newer Telnyx event), kept as received.
type UnknownPayload struct {
	Raw json.RawMessage
}

func (*UnknownPayload) isPayload() {}

// The Type constants, the payload types and the table from the one to the other
// (payloadTypes) are generated from the spec's x-webhooks into events_index.gen.go and
// events.gen.go.

// decodePayload decodes raw as the payload of eventType. An absent or null payload of a
// known type is its zero value; a payload that is not an object, or whose properties
// have the wrong types, is ErrMalformedEvent.
func decodePayload(eventType string, raw json.RawMessage) (Payload, error) {
	raw = bytes.TrimSpace(raw)
	isNull := len(raw) == 0 || bytes.Equal(raw, []byte("null"))
	if !isNull && raw[0] != '{' {
		return nil, fmt.Errorf("%w: data.payload of %s is not a JSON object", ErrMalformedEvent, truncate(eventType, 64))
	}
	newPayload, ok := payloadTypes[eventType]
	if !ok {
		var keep json.RawMessage
		if !isNull {
			keep = bytes.Clone(raw)
		}
		return &UnknownPayload{Raw: keep}, nil
	}
	p := newPayload()
	if isNull {
		return p, nil
	}
	if err := json.Unmarshal(raw, p); err != nil {
		return nil, fmt.Errorf("%w: data.payload of %s: %v", ErrMalformedEvent, eventType, err)
	}
	return p, nil
}
