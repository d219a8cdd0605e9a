// Package webhook verifies and decodes the video room events Telnyx posts to a room's
// webhook URL (video.room.session.started, video.room.participant.joined, ...), with the
// standard library only.
//
//	v, err := webhook.NewVerifier(os.Getenv("TELNYX_PUBLIC_KEY"))
//	http.Handle("/hooks", webhook.Handler(v, func(ctx context.Context, ev *webhook.Event) error {
//		switch p := ev.Payload.(type) {
//		case *webhook.ParticipantJoined:
//			return client.RoomSessions.Mute(ctx, p.SessionID, telnyx.Participants(p.ParticipantID))
//		}
//		return nil
//	}))
//
// The payload types are generated from the x-webhooks events of api/openapi.yaml.
//
// # Verification
//
// Telnyx signs every delivery with the account's ed25519 key: the header
// Telnyx-Signature-Ed25519 holds the base64 signature of the Telnyx-Timestamp header's
// value (Unix seconds), a "|", and the body exactly as sent. [Verifier.Parse] checks, in
// this order:
//
//   - each header is present exactly once (a repeated header is refused: which one
//     would be the real one?), the timestamp is decimal seconds, the signature 64 bytes;
//   - one of the verifier's public keys verifies the signature over the raw body; give
//     several keys to [NewVerifier] while rotating;
//   - the timestamp is within the tolerance of now, in the past or the future (5 minutes
//     by default, [WithTolerance]); a genuine but older delivery is a replay;
//   - only then is the body decoded: a JSON object whose data has an id and an
//     event_type, and whose payload has the properties of its type with the right types.
//
// Parse fails closed: anything it cannot check is refused with an error wrapping
// [ErrInvalidSignature], [ErrStaleTimestamp] or [ErrMalformedEvent], and nothing of the
// body is decoded, so nothing an attacker wrote is acted on, before the signature holds.
// A verifier that lets an unsigned event through on a parse error or a missing header
// turns the webhook URL into an open door to mute or kick anyone; a refused genuine event
// costs only a redelivery. Keep the body as received: re-encoding JSON changes the bytes
// and breaks the signature.
//
// An event type this package does not know yet (Telnyx adds events) is not an error: its
// payload is an [*UnknownPayload] holding the raw JSON, so a handler can ignore it and
// acknowledge it.
//
// # Delivery: duplicates and order
//
// Telnyx delivers at least once: events can be concurrent, duplicated, delayed or out of
// order, and an answer other than 2xx makes Telnyx deliver the event again. [Handler]
// answers 2xx when the function returns nil, 5xx when it returns an error (a
// redelivery will follow), 4xx without calling it when verification fails, and 200
// without calling it again for an event id it has already handled. It remembers the last
// [DefaultRememberedIDs] ids it handled ([WithRememberedIDs]; about 110 bytes an id,
// 1.1 MB in all): a redelivery older than that, or one that reaches another process,
// calls the function again, so make it idempotent (muting twice is harmless) or record
// the ids in a store you share.
//
// Do not rely on arrival order: a participant.left can arrive before its
// participant.joined. Order by [Event.OccurredAt]: keep, per participant or session, the
// OccurredAt of the last event applied and ignore an older one; and reconcile with the
// API (RoomSessions.Get) when in doubt.
//
// # Tests
//
// [Sign] makes the headers of a delivery signed with a key of your own, so a handler can
// be tested with httptest; telnyxtest.WithWebhooks makes the fake API deliver signed
// events as its state changes.
package webhook
