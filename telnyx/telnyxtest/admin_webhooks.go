package telnyxtest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// webhookAdminRoutes are the admin calls of the webhooks ([WithWebhooks]); without
// webhooks each answers 404. admin_openapi.yaml describes them.
func (s *State) webhookAdminRoutes() []adminRoute {
	on := func(f http.HandlerFunc) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			if s.webhooks == nil {
				adminFail(w, http.StatusNotFound, &fieldError{detail: "webhooks are off: start the fake with a webhook URL (roomsessions serve --webhook-url URL)"})
				return
			}
			f(w, r)
		}
	}
	return []adminRoute{
		{"GET", "/__admin/webhooks", on(func(w http.ResponseWriter, _ *http.Request) {
			writeAdmin(w, http.StatusOK, adminData{s.Webhooks()})
		})},
		{"POST", "/__admin/webhooks/wait", on(s.adminWaitWebhooks)},
		{"POST", "/__admin/webhooks/faults", on(s.adminWebhookFault)},
		{"DELETE", "/__admin/webhooks/faults", on(func(w http.ResponseWriter, _ *http.Request) {
			s.ClearWebhookFaults()
			w.WriteHeader(http.StatusNoContent)
		})},
	}
}

// maxAdminWait bounds the waits and delays the admin API accepts.
const maxAdminWait = time.Hour

func (s *State) adminWaitWebhooks(w http.ResponseWriter, r *http.Request) {
	timeout := 10 * time.Second
	if v := r.URL.Query().Get("timeout_ms"); v != "" {
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil || ms < 0 || ms > maxAdminWait.Milliseconds() {
			adminFail(w, http.StatusBadRequest, &fieldError{detail: fmt.Sprintf("timeout_ms must be milliseconds from 0 to %d, not %q", maxAdminWait.Milliseconds(), truncateText(v))})
			return
		}
		timeout = time.Duration(ms) * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	if err := s.WaitWebhooks(ctx); err != nil {
		adminFail(w, http.StatusGatewayTimeout, &fieldError{detail: err.Error()})
		return
	}
	writeAdmin(w, http.StatusOK, adminData{s.Webhooks()})
}

// adminWebhookFaultJSON is a webhook fault in the admin API.
type adminWebhookFaultJSON struct {
	EventType  string `json:"event_type"`
	Duplicate  bool   `json:"duplicate"`
	DelayMS    int64  `json:"delay_ms"`
	OutOfOrder bool   `json:"out_of_order"`
	Times      int64  `json:"times"`
}

func (s *State) adminWebhookFault(w http.ResponseWriter, r *http.Request) {
	body, ok := readAdminBody(w, r)
	if !ok {
		return
	}
	f, ferr := decodeWebhookFault(body)
	if ferr != nil {
		adminFail(w, http.StatusBadRequest, ferr)
		return
	}
	s.FailWebhooks(WebhookFault{EventType: f.EventType, Duplicate: f.Duplicate, Delay: time.Duration(f.DelayMS) * time.Millisecond,
		OutOfOrder: f.OutOfOrder, Times: int(f.Times)})
	writeAdmin(w, http.StatusCreated, adminData{f})
}

// decodeWebhookFault reads the JSON of a webhook fault, strictly.
func decodeWebhookFault(data []byte) (adminWebhookFaultJSON, *fieldError) {
	var f adminWebhookFaultJSON
	v, ferr := parseJSON(data)
	if ferr != nil {
		return f, ferr
	}
	m, ferr := objectOf(v, "", "a webhook fault")
	if ferr == nil {
		ferr = checkKeys(m, "", "event_type", "duplicate", "delay_ms", "out_of_order", "times")
	}
	if ferr == nil {
		f.EventType, ferr = stringField(m, "event_type")
	}
	if ferr == nil {
		f.Duplicate, ferr = boolField(m, "duplicate")
	}
	if ferr == nil {
		f.OutOfOrder, ferr = boolField(m, "out_of_order")
	}
	if ferr == nil {
		f.DelayMS, ferr = intField(m, "delay_ms", 0, maxAdminWait.Milliseconds())
	}
	if ferr == nil {
		f.Times, ferr = intField(m, "times", 0, 1<<31-1)
	}
	if ferr == nil && !f.Duplicate && !f.OutOfOrder && f.DelayMS == 0 {
		ferr = &fieldError{detail: `a webhook fault needs "duplicate", "out_of_order" or "delay_ms"`}
	}
	return f, ferr
}
