// Package redislimit is a [telnyx.Limiter] that a fleet of processes (replicas, workers,
// cron jobs) shares through Redis, so that together they keep to one Telnyx account's
// rate limit and draw on one retry budget.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	limiter := redislimit.New(rdb, "production", redislimit.WithLogger(logger))
//	client, err := telnyx.NewClient(telnyx.WithLimiter(limiter), telnyx.WithLogger(logger))
//
// It is its own module (github.com/roomsessions/telnyx-go/redislimit), so that users of
// package telnyx never download a Redis client.
//
// # When to use it
//
// Telnyx counts requests per account: every process using the account's keys draws on
// one quota, and each answer's x-ratelimit-remaining is the account's count. A client's
// own limiter ([telnyx.NewLimiter]) knows only what its process saw, so N processes
// acting on the same "remaining: 5" send N times too many, and the 429s come back in
// herds. One process needs nothing more; several processes on one account should share
// a redislimit.Limiter, created with the same Redis and the same account name in each.
//
// # What is shared
//
// The API's current window: how many requests the fleet has sent in it, how many the API
// allows (x-ratelimit-limit) and when it resets (x-ratelimit-reset, or a 429's delay).
// Before each attempt a client asks [Limiter.Reserve]; one Lua script reads and counts
// atomically, so two processes can never both take the last request of a window, and
// the fleet sends no more in a window than the API said it allows. After each answer
// [Limiter.Observe] records what the API said: the fleet's count only grows within a
// window (a count higher than the fleet's own means others spent the quota too); the
// first answer of a window sets its end (the answer's time plus the reset, rounded up
// to whole seconds by the API, so never before the API's own end), and later answers
// only lengthen it (remaining 0, a 429), never shorten it. Once the fleet's window has
// expired the API's has reset too, so the next attempt opens the next window with the
// whole limit. While the limit is not known yet (at the start, or after Redis lost its
// data) one attempt goes and the others wait for its answer, polling every 10ms, so
// the first burst cannot overshoot either; if that attempt never gets an answer, the
// next one goes after a second.
//
// The retry budget (see telnyx.WithRetryBudget) is shared the same way: a retry
// anywhere in the fleet draws from it, a success anywhere refunds it, so a fleet facing
// an API that is down stops retrying together.
//
// # Time
//
// No host's clock is read for the shared state: a window is a Redis key that lives
// exactly as long as the window (a relative TTL set with PEXPIRE, read with PTTL), so
// clock skew between hosts cannot open a window early, and an expired window simply
// disappears. Every key expires: the window with the window, the remembered limit after
// an hour without answers, the retry budget ten minutes after its last use (full again).
// Keys are named telnyx-go:ratelimit:{ACCOUNT}:..., the account as a hash tag, so that a
// Redis Cluster keeps them in one slot.
//
// # When Redis is down
//
// Redis trouble never fails a call. Every Redis call is bounded by a short timeout
// ([WithTimeout], 200ms by default), whatever the go-redis client's own timeouts. When
// one fails, the limiter limits in memory, exactly as [telnyx.NewLimiter] does (it keeps
// that in-memory state up to date all along, so it starts from what the process last
// saw), logs one Warn record for the outage ([WithLogger]), and tries Redis again with
// one call a second; when Redis answers, it logs an Info record and shares again. A
// Redis restarted empty costs one probing attempt, as at the start. Give go-redis short
// timeouts as well (DialTimeout, ReadTimeout, WriteTimeout, and ContextTimeoutEnabled so
// that it stops waiting when the limiter does).
//
// # Tests with scaled delays
//
// The durations the limiter stores are those the client gives it, already scaled by
// telnyx.WithDelayScale, but its own (the 10ms poll, the one-second probe and retry
// intervals) are real time. A client of telnyxtest's Server.Client waits a thousandth
// of every delay, and so gives up on a window after 60ms instead of 60s: polls while
// the limit is unknown count against that. Tests that exercise the shared limit should
// make their clients wait real delays (telnyx.WithDelayScale(1)) against a fake with
// short windows (telnyxtest.WithRateLimit(n, time.Second)), as this module's fleet
// tests do.
//
// # Why a script of its own, not go-redis/redis_rate
//
// redis_rate implements GCRA (a leaky bucket) in one Lua script on Redis's clock, and is
// well kept; but it limits to a rate configured in advance. Telnyx's limit is a fixed
// window whose size, remaining count and reset the API announces on every answer, which
// may be shared with other programs using the account, and which may change. The script
// here mirrors that window as the API reports it, needs no configuration, follows what
// others spend, and keeps the retry budget in the same place, which redis_rate does not
// hold. Both rely on the same Redis guarantee: a script runs atomically.
package redislimit
