// Command roomsessions manages Telnyx video room sessions from the shell, and runs a
// fake of the Room Sessions API for testing.
//
// Usage:
//
//	roomsessions [global flags] <command> [flags]
//
// The commands:
//
//	list [--room ID] [--active|--inactive] [--created-on|--created-after|--created-before DATE]
//	     [--updated-on|-after|-before DATE] [--ended-on|-after|-before DATE]
//	     [--participants] [--page N] [--page-size N] [--all]
//	get ID [--participants]
//	participants SESSION_ID [--context NAME] [--joined-on|-after|-before DATE]
//	     [--left-...|--updated-... DATE] [--page N] [--page-size N] [--all]
//	end SESSION_ID
//	kick|mute|unmute SESSION_ID (--everyone | --participant ID ...) [--except ID ...]
//	serve [--addr 127.0.0.1:4010] [--api-key KEY] [--demo-data]
//	demo
//
// The global flags come before the command:
//
//	--api-key KEY       the API key (default $TELNYX_API_KEY)
//	--base-url URL      the API base URL (default $TELNYX_BASE_URL, else https://api.telnyx.com/v2)
//	--max-retries N     retries after a failed attempt (default 2; 0 disables them)
//	--timeout DURATION  limit for each attempt (default 30s; 0 means none)
//	-o table|json       output format (default table)
//	-v                  write the SDK's debug log to stderr (never the key)
//
// Flags may also follow positional arguments: roomsessions get ID --participants.
//
// # Dates
//
// Dates are YYYY-MM-DD, in UTC. --X-on DATE selects records of that date; --X-after
// and --X-before are inclusive: on or after, on or before DATE (the API's eq, gte and
// lte). They combine into ranges.
//
// # Selections
//
// kick, mute and unmute act on --everyone or on the participants named by
// --participant (repeatable, or comma-separated; "-" reads ids from stdin), minus
// those named by --except.
//
// # Output
//
// By default the output is a table, times in RFC 3339 UTC and "-" for an absent
// time; one page ends with "page N of M, T results". With -o json the output is one
// JSON document with snake_case fields and absent times left out: {"data":[...],
// "meta":{...}} for a page, {"data":[...]} with --all, {"data":{...}} for get, and
// {"result":"ok","action":...,"session_id":...} for an action. --all follows every
// page, showing its progress on stderr when stderr is a terminal.
//
// # Exit status
//
// 0 on success; 1 on an API or network error, reported on stderr with the HTTP status,
// the Telnyx error code, title and detail, and the request id; 2 on a usage error
// (including an argument the SDK rejects before sending, and a missing API key).
//
// # The fake
//
// serve runs the in-memory fake of package telnyxtest over HTTP, prints its base URL
// and key, and stops on SIGINT or SIGTERM; --demo-data seeds sample sessions. demo
// starts the same fake in-process and tours the seven operations; it needs no key and
// no network.
package main
