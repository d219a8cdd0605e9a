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
// [ErrInvalidRequest] and [ErrServer] ([ErrSessionEnded] too: see Actions). Its text
// names the operation (also in [Error.Op], the same for every call, to group by) and
// the path requested ([Error.Path]):
//
//	telnyx: GET /room_sessions/{id} (/room_sessions/3b9d...): 404 Not Found: 10005 Resource not found (request id ...)
//
// Failures without an answer wrap the underlying error instead, so
// errors.Is(err, context.DeadlineExceeded) and errors.As(err, &dnsErr) work. Every one
// of them except a cancelled or expired context also matches [ErrTransport]: connection
// refused or reset, DNS, TLS, a redirect loop or refused redirect, oversized headers, a
// body cut off, an HTTP/2 reset, an attempt's own timeout. An attempt's own timeout is a
// net.Error whose Timeout is true and does not match context.DeadlineExceeded, which
// means the caller's deadline only; a failure that coincides with the end of the
// caller's context matches the context's error (its cause still wrapped), not
// ErrTransport. Their text says how many attempts were made. When the context ends while a call waits to retry, the error wraps
// the context's error and the last attempt's error (its cause, for a failure without an
// answer), and does not match ErrTransport: the context ended the call. The API key never
// appears in an error.
//
// # Retries
//
// Transport failures (but not a host that does not exist, a certificate failure or a
// redirect refusal) and 408, 429, 500, 502, 503 and 504 answers are retried, reads and
// the four (idempotent) actions alike, up to [WithMaxRetries] times. The delay before
// retry n is 500ms x 2^(n-1), capped at 8s and jittered to [d/2, d] ([WithBackoff]
// tunes both numbers), unless the answer asks for one with Retry-After, retry-after-ms
// or (on 429) x-ratelimit-reset; a Retry-After of 0 or a date in the past asks for no
// particular delay, so the backoff applies. A server delay above 60s is not waited: the
// error returns at once with [Error.RetryAfter] set. No wait outlives the context, and
// when its deadline would pass before the next attempt, the last error returns at once.
// Each attempt is limited by [WithTimeout].
//
// # Rate limits
//
// A Client shares what the API says about its limits among all its callers. After an
// answer with x-ratelimit-remaining: 0 and an x-ratelimit-reset, or a 429 asking for a
// delay, every new attempt of the client, whoever makes it, waits for the window to
// reset instead of drawing more 429s, then for a random part of half the window (at
// most 1s), so waiting callers come back spread out rather than all at once. A window
// that would reset after the context's deadline, or more than 60s away, is not waited:
// the call fails at once with a [*WindowError] (matching [ErrRateLimited]) saying how
// long the window had left. The window and the retry budget live in a [Limiter]: a
// [NewLimiter] per client by default; clients given the same one with [WithLimiter]
// share them, and package redislimit shares one across processes. A Limiter keeps only
// the window and the budget; the client's policy decides the rest (jitter, the 60s
// ceiling, the context's deadline, when to draw and refund). An implementation must not
// fail or block a call for long: one that cannot reach its store decides as an in-memory
// one would. Every duration passed to a Limiter or returned by it is already multiplied
// by the client's [WithDelayScale].
//
// # Retry budget
//
// Retries draw from a client-wide token bucket, in the manner of the AWS SDK's standard
// retryer. The bucket holds 50 tokens and starts full; a retry draws 5 (10 after an
// attempt that timed out); a call that succeeds at once returns 1, and a call that
// succeeds on a retry returns what that retry drew. With the bucket empty a failure is
// returned after its first attempt, so an API that is down sees about one request per
// call (10 retries, then none until calls succeed again), while occasional failures (a
// few per hundred calls) are always retried. While the bucket is empty each call also
// waits one backoff delay (250 to 500ms) before its first attempt, so callers looping
// back to back do not hit a failing API as fast as it answers. A failure the empty
// bucket kept from being retried also matches [ErrRetryBudgetExhausted]: the client's
// decision, not the server's. [WithRetryBudget] sizes the bucket; 0 turns it off.
//
// # Options per call
//
// Every operation takes options last, applied to that call on top of the client's; the
// call shares the client's connections, rate-limit window and retry budget:
//
//	err := client.RoomSessions.Mute(ctx, id, telnyx.AllParticipants(), telnyx.WithMaxRetries(0))
//
// [WithAPIKey], [WithBaseURL], [WithHTTPClient], [WithPlainHTTP], [WithLimiter] and
// [WithRetryBudget] belong to the client: a call given one fails with an error wrapping
// [ErrInvalidArgument] naming it, before anything is sent. [WithResponseInto] belongs to
// a call. [WithHeader] adds a header to the client's requests or to the call's.
//
// # Response metadata
//
// [WithResponseInto] makes a call fill a [ResponseInfo] with what the API said, on
// success too: status, request id, attempts, the rate-limit headers and every header
// of the last answer, the key scrubbed. On an iterator it describes the latest page.
//
// # Tests
//
// [WithDelayScale] multiplies every wait by a factor: telnyxtest's Server.Client uses
// 0.001, so a test of a 503 or a 429 keeps every attempt and takes milliseconds.
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
// They stop after the last page. An answer that cannot be right ends the loop with an
// error wrapping [ErrMalformedResponse], never silently: one lacking what
// api/openapi.yaml requires (data, meta, an item's id, room_id, active, created_at...;
// checked as the body streams, from a table generated from the spec), another page or
// page size than asked for, negative counts, counts that contradict each other, more
// items than the page size, or an empty page that its own meta places before the end.
// An iterator told that more pages exist never ends early without an error. List and
// Participants refuse the same answers (the page size excepted).
//
// # Live data
//
// The API pages by offset: when sessions before the offset stop matching (they end, in
// a loop over the active ones), every later session moves down and the next page would
// skip as many. The iterators guarantee that an item that matches the filter from the
// start of the loop to its end is yielded exactly once, while others end or start
// sessions during the loop, with pages fetched ahead or not. Each page says
// total_results; when it drops by d, items may have moved down by up to d, so the
// pages that may now hold them are read again (ending sessions cost about one page read
// again per change, starting sessions none), and the items already yielded are dropped.
// A page fetched ahead is fetched again when the listing changed before it was served.
// When nothing changes, no page is read twice.
//
// What offset paging cannot see: between two pages, as many sessions starting to match
// after the offset as ending before it. The total stays the same and the items move
// down unseen. New sessions come first in the list (newest created_at first), so a loop
// over sessions by activity, room or creation date never meets this; a filter that old
// records enter and leave during the loop can (UpdatedAt with Active, for example). The
// iterators catch part of it: when the total grows yet nothing already read moved onto
// the page, records entered after the offset, and the page before is read again. If a
// listing must be complete under such churn, filter on something fixed (CreatedAt, the
// room), or list again and compare, or follow the changes with webhooks (package
// webhook) instead of polling.
//
// Only a server that makes no progress (three new pages in a row with nothing new)
// ends the loop with an error wrapping [ErrMalformedResponse]. A loop whose body changes
// what its filter matches (ending every active session) is covered too, at the cost of
// reading pages again; collecting first with [Collect], then acting, reads each page
// once.
//
// # Actions
//
// End, Kick, Mute and Unmute succeed when the API answers 2xx, whatever the body holds
// (empty, cut off, malformed): the status is the answer.
//
// Sessions end while a program works on them, so a session listed as active may have
// ended by the time an action reaches it. Kick, Mute and Unmute on an ended session
// answer 422; the error matches [ErrSessionEnded] (and [ErrInvalidRequest]), so that
// routine race can be told from a real failure:
//
//	err := client.RoomSessions.Mute(ctx, id, telnyx.AllParticipants())
//	if errors.Is(err, telnyx.ErrSessionEnded) {
//		// nothing left to mute
//	}
//
// Ending an ended session succeeds, so End converges.
//
// Actions are retried like reads, including when an attempt timed out after its request
// was sent: each action converges (sending it twice leaves the state it leaves once),
// so a retry turns a lost answer into a success. What no client setting gives is order.
// An attempt the client gave up on can still reach the API later, so a Mute that timed
// out can land after the next Unmute and leave the participant muted. [WithMaxRetries](0)
// does not prevent it: measured, a Mute held 300 ms on its way still landed after the
// next Unmute in 100 of 100 trials; it only makes a failure without an answer visible
// ("may have been applied") instead of hidden by a retry. Re-reading the state does
// not help for Mute and Unmute: the API shows no mute flag (Get with IncludeParticipants
// tells who has left and whether the session is active, not who is muted). What helps:
// wait for each action's answer before sending the opposite one; after a failure, send
// the intended final action again (measured, that lowered wrong final states from 21.5%
// to 8.5% of sequences: better, not a guarantee); and should the API honour an
// Idempotency-Key on these endpoints, pass one per call with [WithHeader].
//
// # Acting on what matched
//
// A loop that ends the sessions it iterates over makes every later page move; the
// iterator reads the moved pages again, so none is skipped. Collecting first with
// [Collect], then acting, reads each page once and leaves the listing untouched while
// it is read:
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
