package webhook

// KnownEventTypes lists the event types Parse decodes into a payload type of their own,
// for the drift test.
func KnownEventTypes() []string {
	var out []string
	for t := range payloadTypes {
		out = append(out, t)
	}
	return out
}

// RememberedIDs returns how many event ids h, a Handler, holds.
func RememberedIDs(h any) int {
	s := h.(*handler).seen
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ids)
}
