// Package telnyxtest is an in-memory fake of the Telnyx Room Sessions API, for testing
// code that uses package telnyx (or any other client) without the network.
//
//	srv := telnyxtest.NewServer()
//	defer srv.Close()
//	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "Alice"}}})
//	client := srv.Client()
//	// ... code under test uses client ...
//	got, _ := srv.Session(s.ID)
//
// [NewServer] listens on a loopback port like [net/http/httptest.NewServer]; [NewHandler]
// gives the same fake as an [net/http.Handler] and its [State], to mount elsewhere.
//
// # Requests
//
// The fake serves the seven operations of api/openapi.yaml under /v2. Every request is
// handled in this order:
//
//  1. It is recorded (see Request log below).
//  2. A matching [Fault] with a Status answers it instead (see Faults below).
//  3. Without "Authorization: Bearer <key>" carrying the server's key, it gets 401 with
//     code 10009, whatever the path.
//  4. A path that is no operation gets 404 (code 10005); a wrong method 405 with Allow.
//  5. It is validated against api/openapi.yaml with kin-openapi: a path id that is not a
//     UUID gets 400 code 10006 (source.pointer "/room_session_id"); a bad query parameter
//     400 code 10015 with source.parameter spelled as on the wire ("page[size]",
//     "filter[date_created_at][gte]"); a body that breaks the schema 422 code 10015 with
//     source.pointer ("/participants", "/exclude/0"), or code 10004 when participants is
//     missing; a body that is not JSON 422; a Content-Type other than JSON 415.
//  6. An unknown session gets 404 code 10005 with source.pointer "/room_session_id".
//
// UUIDs are checked for their 8-4-4-4-12 hexadecimal layout, in any case; ids are matched
// case-insensitively. A rejected request changes nothing.
//
// Every answer is JSON (Content-Type: application/json) and carries x-request-id (a fresh
// UUID) and x-ratelimit-limit, x-ratelimit-remaining and x-ratelimit-reset (fixed at 100,
// 99 and 1 unless [WithRateLimit] sets a limit; see Rate limit below). Errors use the
// Telnyx envelope:
//
//	{"errors":[{"code":"10005","title":"Resource not found","detail":"...",
//	  "source":{"pointer":"/room_session_id"},"meta":{"url":"https://developers.telnyx.com/docs/overview/errors/10005"}}]}
//
// # Responses
//
// Sessions carry record_type "room_session" and participants "room_participant". Times are
// RFC 3339 in UTC with exactly six fractional digits (2021-04-16T09:46:20.954863Z); an
// absent ended_at or left_at is left out, never null. A session's participants appear,
// as an array (possibly empty), only with include_participants=true.
//
// # Lists
//
// Sessions are listed newest created_at first, then by id; participants in the order they
// were added. Date filters (filter[date_created_at][eq|gte|lte]=YYYY-MM-DD and the others)
// compare the calendar date of the time in UTC: eq the same date, gte on or after, lte on
// or before; operators combine. A date filter on ended_at or left_at leaves out records
// without one. filter[room_id] and filter[context] are exact matches (ids in any case),
// filter[active] a boolean. A query parameter or filter key the operation does not take
// in api/openapi.yaml is a 400 (code 10015) naming it, so a misspelt filter cannot pass as
// no filter.
//
// Pages default to page[number]=1 and page[size]=20 (at most 250; telnyx.PageSizeDefault and
// telnyx.PageSizeMax, from the spec). meta holds page_number
// and page_size as requested, total_results, and total_pages = ceil(total_results /
// page_size), which is 0 when nothing matches. A page past the end has an empty data
// array and the true totals.
//
// # Actions
//
// End makes a session inactive with ended_at and updated_at set to now, and every
// participant still present leaves (left_at and updated_at now; an earlier left_at is
// kept). Ending an ended session answers 200 and changes nothing, so a retried End
// converges. Kick makes the selected participants still present leave; Mute and Unmute
// set their Muted flag, bumping updated_at when the flag changes. The selection is
// {"participants":"all"} or a list of ids, minus "exclude"; unknown ids are ignored.
// Kick, mute and unmute on an ended session answer 422 (code 10015). Actions change
// participants only: the session's updated_at moves only when it ends.
//
// # Faults
//
// [State.Fail] scripts failures and returns the fault's id. A [Fault] matches by
// method, path pattern (with or without /v2; "*" is one segment) and query parameters.
// One with Times applies to its next Times matching requests; one without applies
// until removed ([State.RemoveFault], [State.RemoveFaults], [State.Reset]). A request
// gets one fault at most: the first registered among those with Times left that match
// (so a series plays in order), else the most recently registered among those without
// Times (so a newer standing fault overrides an older one). [State.Faults] lists them
// with the uses left. A fault that could never apply (a method no request arrives with,
// a path of no operation or holding a query, a status outside 200..599) is refused.
//
// With a Status, the fault answers in place of the fake (the state does not change) with
// that status, its Header and Body. Without one, the request is served as usual, state
// changes included, and the fault alters the answer: Header is added, MalformedJSON
// halves the body, Latency delays it, and Cut closes the connection before the answer
// (the client sees no response although the action happened) or in the middle of the
// body. Cutting hijacks the connection; over HTTP/2, or with a ResponseWriter that
// cannot be hijacked, the handler panics with [net/http.ErrAbortHandler] instead, which
// net/http turns into a reset stream.
//
// # Rate limit
//
// [WithRateLimit](n, window) enforces an account-wide limit, as the API does: a fixed
// window that opens with the first request after the previous one ended, counting every
// request the fake receives whatever its key, path or answer. Every answer reports the
// window: x-ratelimit-limit n, x-ratelimit-remaining what is left after this request, and
// x-ratelimit-reset the seconds until the window resets, rounded up. A request past the
// limit is recorded but answered 429 with code 10011 before anything else (no [Fault] is
// used up, no state changes). The window follows the fake's clock.
//
// # Request log
//
// [State.Requests] lists the requests received, in order: method, path, raw query,
// body, headers (with the Authorization credential replaced by "***"), the x-request-id
// and the status it was answered with, and when it arrived. The log keeps the last
// [DefaultMaxRequests] requests ([WithMaxRequests] changes it), each body cut at
// [MaxLoggedBody] bytes, and drops the oldest past 64 MiB in all. [State.ClearRequests]
// empties it; [WithoutRequestLog] turns it off.
//
// # Time and ids
//
// Times come from the clock: time.Now unless [WithClock] says otherwise, and
// [State.SetNow] and [State.Advance] move it during a test. Generated ids are random
// version 4 UUIDs, or a fixed sequence with [WithSeed].
//
// # Live changes
//
// A program that watches sessions reacts to people coming and going. [State.Join] makes
// a participant join an active session now, [State.Leave] makes one leave, and
// [State.EndSession] ends a session as the platform would (as the end action does);
// every answer shows the change from then on. [State.Reset] puts the fake back as it
// started ([WithSessions]).
//
// [State.OnRequest] runs a function of the test after each request has been answered
// (the answer decided, not yet sent), so a test can change the fake at a precise point
// of the loop under test: end a session right after the page listing it, start one
// between two pages. The request's answer does not show the change; the next request
// does.
//
// # Webhooks
//
// With [WithWebhooks] the fake posts signed video room events to a URL as its state
// changes, as Telnyx does: session.started and participant.joined when an active session
// is added, participant.joined and participant.left on Join, Leave and the kick action
// (left_reason "kicked"), and participant.left for everyone present then session.ended
// (with duration_secs) when a session ends. [State.WebhookPublicKey] is the key that
// verifies them with package webhook. Deliveries of one session go in order; one answered
// other than 2xx is retried with a doubling backoff ([WithWebhookRetry]).
// [State.WaitWebhooks] blocks until none is pending, so a test needs no sleep;
// [State.Webhooks] lists them (state, status, attempts), and [State.FailWebhooks]
// duplicates, delays or reorders the next ones, as real deliveries can be.
//
// # Admin API
//
// [State.AdminHandler] offers the same over HTTP, without authentication, for tests in
// any language: seed sessions in the API's JSON shape ([State.AddSessionsJSON]), make
// participants join or leave, end sessions, script, list and delete faults, read and
// clear the requests received, read and set the clock, reset, and check readiness. GET
// /__admin/openapi.yaml describes every call. Its JSON is strict: an unknown field, a
// wrong type or an impossible value is a 400 in the Telnyx error envelope whose
// source.pointer names the field ("/0/participants/1/id"); bodies are at most
// [MaxAdminBody] bytes of valid UTF-8, nesting at most 16 levels.
//
// [NewStandalone] serves the API and the admin API on one handler, as roomsessions
// serve does, with CORS for browser tests, refusing paths with "." or ".." segments;
// with [WithPerKey] every bearer key is its own world.
//
// # Concurrency
//
// A [Server], a handler and its [State] are safe for concurrent use. Everything
// [State] returns is a copy.
package telnyxtest
