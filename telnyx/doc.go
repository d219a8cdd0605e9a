// Package telnyx is a Go client for the Telnyx Room Sessions API: list and view the
// sessions of video rooms and their participants, end sessions, and kick, mute or
// unmute participants.
//
//	client, err := telnyx.NewClient(telnyx.WithAPIKey(key))
//	page, err := client.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(true)})
//	err = client.RoomSessions.Mute(ctx, sessionID, telnyx.AllParticipants().Except(hostID))
//
// # Validation
//
// Arguments are checked before anything is sent: session, room and participant ids must
// be UUIDs (any case), page sizes 1..250 (0 = server default), page numbers >= 0, and a
// [Selection] must name someone. A violation returns an error wrapping
// [ErrInvalidArgument] that names the argument.
//
// # Dates
//
// Date filters ([DateFilter]) take a [Date], a calendar date that the API compares in
// UTC. [DateOf] gives the UTC date of an instant, so a window written with instants
// loses nothing in any time zone:
//
//	weekAgo := telnyx.DateOf(time.Now().AddDate(0, 0, -7))
//	p := &telnyx.ListRoomSessionsParams{CreatedAt: telnyx.DateFilter{Gte: weekAgo}}
//
// [ParseDate] reads YYYY-MM-DD. An impossible date (month 13, February 30, a year
// outside 1..9999) is an error wrapping [ErrInvalidArgument], before anything is sent.
//
// # Errors
//
// Any non-2xx answer is an [*Error] carrying the status, the x-request-id, the parsed
// Telnyx error details and the first 64 KiB of the raw body. errors.Is matches it
// against [ErrUnauthorized], [ErrForbidden], [ErrNotFound], [ErrRateLimited],
// [ErrInvalidRequest] and [ErrServer]. Failures without an answer (connection refused,
// timeouts, a cancelled context) wrap the underlying error instead, so
// errors.Is(err, context.DeadlineExceeded) works. The API key never appears in an error.
//
// # Retries
//
// Transport failures and 408, 429, 500, 502, 503 and 504 answers are retried, reads and
// the four (idempotent) actions alike, up to [WithMaxRetries] times. The delay before
// retry n is 500ms x 2^(n-1), capped at 8s and jittered to [d/2, d], unless the answer
// asks for one with Retry-After, retry-after-ms or (on 429) x-ratelimit-reset. A server
// delay above 60s is not waited: the error returns at once with [Error.RetryAfter] set.
// No wait outlives the context, and when its deadline would pass before the next
// attempt, the last error returns at once. Each attempt is limited by [WithTimeout].
//
// # Pagination
//
// List and Participants return one [Page]. All and AllParticipants are iterators over
// every item of every page (250 per page unless PageSize says otherwise):
//
//	for s, err := range client.RoomSessions.All(ctx, nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(s.ID)
//	}
//
// Once the first page has told how many pages there are, up to [WithPageConcurrency]
// pages (default 4) are fetched at once and yielded strictly in order; the page being
// yielded counts among them, so at most that many pages are held in memory. The first
// error is yielded at its place, once. Breaking out of the loop, or cancelling its
// context, cancels the requests in flight at once; no goroutine outlives the loop, and
// the context is checked before every item, so nothing is yielded after it is cancelled.
//
// They stop at the last page, at an empty page or when the answer has no meta, and end
// with an error wrapping [ErrMalformedResponse] when an answer cannot be right: a page
// other than the one asked for, negative counts, more items than the page size.
//
// # Live data
//
// The API pages by offset, so sessions starting or ending during a loop shift the pages.
// The iterators accept what a live API serves, short pages before the last and pages
// overlapping the ones before, and never yield again an item of the last few pages.
// Only a server that makes no progress (three pages in a row with nothing new) ends the
// loop with an error wrapping [ErrMalformedResponse]. A page fetched ahead whose
// total_results differs from the page before it (the data changed between the two) is
// fetched again after it, so fetching ahead sees what a loop one page at a time sees.
// A loop whose body changes what its filter matches (ending every active session) would
// skip some: collect first, then act.
//
// # Acting on what matched
//
// The API pages by offset, so a record that stops matching the filter during a loop
// (a session ended by the loop's own body) shifts the pages still to come, and the loop
// skips records. Collect first with [Collect], then act:
//
//	active, err := telnyx.Collect(client.RoomSessions.All(ctx, &telnyx.ListRoomSessionsParams{
//		RoomID: roomID, Active: telnyx.Bool(true),
//	}))
//	// check err, then end each session of active
//
// # Logging
//
// [WithLogger] gives one Debug record per attempt (method, path, status, attempt,
// duration, request_id, error) and one per scheduled retry (delay). Nothing is logged
// by default, and never the key.
//
// # Testing
//
// Package telnyxtest is an in-memory fake of the API for testing code that uses this
// package, without mocks.
package telnyx
