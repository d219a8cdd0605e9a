package telnyx_test

import "fmt"

// Answers written by hand hold what api/openapi.yaml requires of them (an answer
// lacking it is ErrMalformedResponse): these build items and meta that do.

// partFields are the required fields of a participant of sessionID, after its id.
const partFields = `"session_id":"` + sessionID + `","joined_at":"2021-04-16T09:46:21.000001Z","updated_at":"2021-04-16T09:46:21.000001Z","record_type":"room_participant"`

// sessionItem is an active session with id and everything required, plus the JSON
// members in extra (without their braces), if any.
func sessionItem(id string, extra ...string) string {
	s := `{"id":"` + id + `","room_id":"` + roomID + `","active":true,"created_at":"2021-04-16T09:46:20.954863Z","updated_at":"2021-04-16T09:50:20.954863Z","record_type":"room_session"`
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}

// partItem is a participant of sessionID with id and everything required, plus extra.
func partItem(id string, extra ...string) string {
	s := `{"id":"` + id + `",` + partFields
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}

// metaJSONFor is the meta of page number of size items over total results.
func metaJSONFor(number, size, total int) string {
	pages := 0
	if size > 0 {
		pages = (total + size - 1) / size
	}
	return fmt.Sprintf(`"meta":{"page_number":%d,"page_size":%d,"total_pages":%d,"total_results":%d}`, number, size, pages, total)
}
