package redislimit

import "github.com/redis/go-redis/v9"

// The limiter's state in Redis, for one account (every key carries the account as a hash
// tag, so a cluster keeps them in one slot and one script may touch them all):
//
//	win     hash {used, max, known}: the API's current window as the fleet knows it. It
//	        lives exactly as long as the window (a relative TTL: PEXPIRE, PTTL), so no
//	        clock but Redis's is ever read, and an expired window simply disappears.
//	limit   hash {max, len}: the API's x-ratelimit-limit (-1 when its answers report
//	        none) and the length of its last window as first reported, in ms.
//	probe   set while the one attempt allowed when the limit is unknown is in flight.
//	drawn   retry-budget tokens drawn and not given back; absent means a full budget.
//
// A window ends no earlier than the API's (its end is an answer's time plus a reset
// rounded up), so once it has expired the API's window has reset too: the next
// attempt opens the next window with the whole limit, provisionally lasting the last
// window's length (at least the probe TTL) until its first answer says when it ends.
// Every script is atomic: between reading and writing a key no other process can act.

// reserveScript decides one attempt: send now, counted in the window (wait 0), or wait.
//
//	KEYS: win, limit, probe, drawn
//	ARGV: probe TTL ms, poll ms
//	returns {wait ms, drawn tokens}
var reserveScript = redis.NewScript(`
local drawn = tonumber(redis.call('GET', KEYS[4]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -1 then
  redis.call('DEL', KEYS[1])
  ttl = -2
end
if ttl > 0 then
  local w = redis.call('HMGET', KEYS[1], 'used', 'max')
  if tonumber(w[1] or '0') < tonumber(w[2] or '0') then
    redis.call('HINCRBY', KEYS[1], 'used', 1)
    return {0, drawn}
  end
  return {ttl, drawn}
end
local l = redis.call('HMGET', KEYS[2], 'max', 'len')
local lim = tonumber(l[1] or '')
if lim and lim < 0 then
  return {0, drawn}
end
if lim and lim > 0 then
  redis.call('HSET', KEYS[1], 'used', 1, 'max', lim, 'known', 0)
  redis.call('PEXPIRE', KEYS[1], math.max(tonumber(l[2] or '0'), tonumber(ARGV[1])))
  return {0, drawn}
end
if redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[1]) then
  return {0, drawn}
end
local p = redis.call('PTTL', KEYS[3])
return {math.max(math.min(p, tonumber(ARGV[2])), 1), drawn}
`)

// observeScript records what an answer said about the window. The fleet's count only
// grows within a window (what this fleet sent, or more when the API counts more). The
// first answer of a window sets its end; later ones only lengthen it (remaining 0, or a
// 429 asking for a delay), never shorten it: an early reset would send a herd into a
// closed window.
//
//	KEYS: win, limit, probe
//	ARGV: status, limit (-1: none), remaining (-1), reset ms (-1), retry-after ms (0),
//	      limit TTL ms, "none" TTL ms
var observeScript = redis.NewScript(`
local status, lim, rem, reset, after = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if lim >= 0 then
  redis.call('HSET', KEYS[2], 'max', lim)
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
elseif rem < 0 and reset < 0 and status ~= 429 then
  if redis.call('EXISTS', KEYS[2]) == 0 then
    redis.call('HSET', KEYS[2], 'max', -1)
    redis.call('PEXPIRE', KEYS[2], ARGV[7])
  end
  redis.call('DEL', KEYS[3])
  return 0
else
  lim = tonumber(redis.call('HGET', KEYS[2], 'max') or '') or -1
end
local ttl = redis.call('PTTL', KEYS[1])
if rem >= 0 and reset > 0 and lim >= 0 then
  local used = math.max(lim - rem, 0)
  local known = ttl > 0 and redis.call('HGET', KEYS[1], 'known') == '1'
  if ttl > 0 then
    used = math.max(used, tonumber(redis.call('HGET', KEYS[1], 'used') or '0'))
  end
  redis.call('HSET', KEYS[1], 'used', used, 'max', lim, 'known', 1)
  if not known or (rem == 0 and reset > ttl) then
    redis.call('PEXPIRE', KEYS[1], reset)
    ttl = reset
  end
  if not known then
    redis.call('HSET', KEYS[2], 'len', reset)
  end
end
if status == 429 and after > 0 then
  redis.call('HSET', KEYS[1], 'used', 2147483647, 'max', math.max(lim, 0), 'known', 1)
  if after > ttl then
    redis.call('PEXPIRE', KEYS[1], after)
  end
end
redis.call('DEL', KEYS[3])
return 1
`)

// drawScript takes cost tokens from a budget of capacity, or nothing when fewer are left.
//
//	KEYS: drawn
//	ARGV: cost, capacity, TTL ms
//	returns 1 when drawn, 0 when not
var drawScript = redis.NewScript(`
local drawn = tonumber(redis.call('GET', KEYS[1]) or '0')
local cost = tonumber(ARGV[1])
if drawn + cost > tonumber(ARGV[2]) then
  return 0
end
redis.call('SET', KEYS[1], drawn + cost, 'PX', ARGV[3])
return 1
`)

// refundScript gives n tokens back, never more than were drawn; a full budget is no key.
//
//	KEYS: drawn
//	ARGV: n, TTL ms
var refundScript = redis.NewScript(`
local drawn = tonumber(redis.call('GET', KEYS[1]) or '0')
local left = drawn - tonumber(ARGV[1])
if left <= 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], left, 'PX', ARGV[2])
end
return 1
`)
