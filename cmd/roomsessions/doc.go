// Command roomsessions manages Telnyx video room sessions from the shell, and runs a
// fake of the Room Sessions API for testing in any language.
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
//	end SESSION_ID [--dry-run] [--yes]
//	end [--room ID] [--active] [--created-...|--updated-... DATE] [--dry-run] [--yes]
//	kick SESSION_ID (--everyone | --participant ID ...) [--except ID ...] [--dry-run] [--yes]
//	mute|unmute SESSION_ID (--everyone | --participant ID ...) [--except ID ...] [--dry-run]
//	serve [--addr 127.0.0.1:4010] [--api-key KEY | --per-key] [--demo-data] [--seed FILE]
//	      [--rate-limit N/DURATION] [--webhook-url URL] [--max-requests N] [--id-seed N]
//	webhooks listen [--addr 127.0.0.1:8080] --public-key KEY [-o table|jsonl]
//	demo
//	completion bash|zsh|fish|powershell
//
// The global flags go before or after the command:
//
//	--api-key KEY       the API key (default $TELNYX_API_KEY); for serve, the key it accepts
//	--base-url URL      the API base URL (default $TELNYX_BASE_URL, else https://api.telnyx.com/v2)
//	--max-retries N     retries after a failed attempt (default 2; 0 disables them)
//	--timeout DURATION  limit for each attempt (default 30s; 0 means none)
//	--plain-http        allow a plain http:// base URL off loopback (default $TELNYX_PLAIN_HTTP)
//	-o FORMAT           table (default: the columns that fit), wide (all), json, or jsonl
//	--no-headers        tables without their header line
//	-v                  a debug log of every request on stderr, with its query (never the key)
//	--version           the version
//
// The tool is built on github.com/spf13/cobra; `roomsessions <command> -h` shows each
// command's flags and examples, and the README has the full story: output formats,
// streaming with --all, the confirmation rule (end and kick ask on a terminal and need
// --yes without one; mute and unmute never ask), bulk end with --dry-run, the exit statuses
// (0, 1 for an API or network error, 2 for a usage error, 130/143 when interrupted),
// and the admin API of serve.
package main
