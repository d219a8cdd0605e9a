package redislimit_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// countingTransport counts the answers a client gets, by kind.
type countingTransport struct {
	base                        http.RoundTripper
	ok, limited, other, noReply atomic.Int64
}

// RoundTrip sends req and counts its answer.
func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	switch {
	case err != nil:
		c.noReply.Add(1)
	case resp.StatusCode == http.StatusTooManyRequests:
		c.limited.Add(1)
	case resp.StatusCode < 300:
		c.ok.Add(1)
	default:
		c.other.Add(1)
	}
	return resp, err
}

// waitsPast reports whether err is a call given up because the wait it was asked for
// (the window, or a 429's delay), with the client's jitter of up to half of it, would
// end after deadline.
func waitsPast(err error, deadline time.Time) bool {
	var we *telnyx.WindowError
	var apiErr *telnyx.Error
	wait := time.Duration(0)
	switch {
	case errors.As(err, &we):
		wait = we.RetryAfter
	case errors.As(err, &apiErr) && apiErr.RetryAfter > 0:
		wait = apiErr.RetryAfter
	default:
		return false
	}
	return time.Now().Add(wait + min(wait/2, time.Second)).After(deadline)
}

// runSDKWorker does j with a telnyx.Client per process, as a service would: Gets from
// j.Goroutines goroutines until j.For has passed.
func runSDKWorker(j job) error {
	lim, closeRedis := newWorkerLimiter(j)
	defer closeRedis()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = j.Goroutines
	counted := &countingTransport{base: tr}
	client, err := telnyx.NewClient(telnyx.WithBaseURL(j.BaseURL), telnyx.WithAPIKey(j.APIKey),
		telnyx.WithLimiter(lim), telnyx.WithHTTPClient(&http.Client{Transport: counted}))
	if err != nil {
		return err
	}
	time.Sleep(time.Until(j.Start))
	deadline := time.Now().Add(j.For)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	var calls, failed, cut atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for range j.Goroutines {
		wg.Go(func() {
			for ctx.Err() == nil {
				_, err := client.RoomSessions.Get(ctx, j.Session, nil)
				switch {
				case err == nil:
					calls.Add(1)
				case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || waitsPast(err, deadline):
					cut.Add(1) // the run ends before the call could go on: not the API's doing
					return
				default:
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		})
	}
	wg.Wait()
	if e, ok := firstErr.Load().(string); ok {
		os.Stderr.WriteString("first failure: " + e + "\n")
	}
	return json.NewEncoder(os.Stdout).Encode(tally{
		OK: int(counted.ok.Load()), Limited: int(counted.limited.Load()), Other: int(counted.other.Load()), NoReply: int(counted.noReply.Load()),
		Calls: int(calls.Load()), CallsFailed: int(failed.Load()), CallsCut: int(cut.Load()),
	})
}
