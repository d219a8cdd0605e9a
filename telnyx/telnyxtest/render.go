package telnyxtest

import (
	"reflect"
	"sync"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// The fake answers with the SDK's own models, generated from api/openapi.yaml like
// Session and Participant: both sides are copied field by field, by name, so a property
// added to the spec is stored, settable and served with no hand-written line. Only what
// the fake derives instead of storing is set here: session_id and record_type.

// renderSession is s as the API reports it; participants only when asked for.
func renderSession(s *Session, withParticipants bool) telnyx.RoomSession {
	var w telnyx.RoomSession
	copyFields(reflect.ValueOf(&w).Elem(), reflect.ValueOf(s).Elem())
	w.RecordType = telnyx.RoomSessionRecordTypeRoomSession
	w.Participants = nil
	if withParticipants {
		w.Participants = make([]telnyx.RoomParticipant, len(s.Participants))
		for i := range s.Participants {
			w.Participants[i] = renderParticipant(s.ID, &s.Participants[i])
		}
	}
	return w
}

// renderParticipant is p, of the session sessionID, as the API reports it.
func renderParticipant(sessionID string, p *Participant) telnyx.RoomParticipant {
	var w telnyx.RoomParticipant
	copyFields(reflect.ValueOf(&w).Elem(), reflect.ValueOf(p).Elem())
	w.SessionID = sessionID
	w.RecordType = telnyx.RoomParticipantRecordTypeRoomParticipant
	return w
}

// copyFields sets every field of the struct dst that src has under the same name and a
// convertible type (a generated enum of one package converts to its twin in the other).
// Fields of other shapes, such as the participant lists, are left to the caller.
func copyFields(dst, src reflect.Value) {
	for _, p := range fieldPairs(dst.Type(), src.Type()) {
		dst.Field(p.dst).Set(src.Field(p.src).Convert(dst.Field(p.dst).Type()))
	}
}

// fieldPair is a field of the destination type and its counterpart in the source type.
type fieldPair struct{ dst, src int }

var (
	pairMu    sync.Mutex
	pairCache = map[[2]reflect.Type][]fieldPair{}
)

// fieldPairs lists the fields copyFields copies from src to dst. The types are fixed at
// build time, so the pairs are computed once per pair of types.
func fieldPairs(dst, src reflect.Type) []fieldPair {
	key := [2]reflect.Type{dst, src}
	pairMu.Lock()
	defer pairMu.Unlock()
	if ps, ok := pairCache[key]; ok {
		return ps
	}
	var ps []fieldPair
	for i := range dst.NumField() {
		df := dst.Field(i)
		sf, ok := src.FieldByName(df.Name)
		if ok && len(sf.Index) == 1 && sf.Type.ConvertibleTo(df.Type) {
			ps = append(ps, fieldPair{dst: i, src: sf.Index[0]})
		}
	}
	pairCache[key] = ps
	return ps
}
