package specinfo_test

import (
	"testing"

	"github.com/roomsessions/telnyx-go/internal/specinfo"
)

func TestWebhooksListTheSevenRoomEvents(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	got, err := spec.Webhooks()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"video.room.composition.completed": "CompositionCompleted",
		"video.room.participant.joined":    "ParticipantJoined",
		"video.room.participant.left":      "ParticipantLeft",
		"video.room.recording.completed":   "RecordingCompleted",
		"video.room.recording.started":     "RecordingStarted",
		"video.room.session.ended":         "SessionEnded",
		"video.room.session.started":       "SessionStarted",
	}
	for _, w := range got {
		if p, ok := want[w.Type]; ok && p != w.Payload {
			t.Errorf("%s: payload %s, want %s", w.Type, w.Payload, p)
		}
		delete(want, w.Type)
	}
	if len(want) > 0 {
		t.Errorf("the spec lacks the room events %v (webhooks %v)", want, got)
	}
}

func TestWebhooksRefusesAnEventWithoutAPayloadRef(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Parse([]byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
x-webhooks:
  video.room.x:
    post:
      x-payload: {$ref: '#/components/schemas/Nope'}
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := spec.Webhooks(); err == nil {
		t.Fatal("no error for a payload ref to a missing schema")
	}
}
