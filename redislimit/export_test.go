package redislimit

import "time"

// SetClock makes l read now for its retry schedule while Redis is unreachable.
func SetClock(l *Limiter, now func() time.Time) { l.now = now }

// Keys returns l's Redis keys: the window, the limit, the probe and the drawn tokens.
func Keys(l *Limiter) [4]string { return l.keys }

// RetryEvery is how often one call tries Redis again during an outage.
const RetryEvery = retryEvery
