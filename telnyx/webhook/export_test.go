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
