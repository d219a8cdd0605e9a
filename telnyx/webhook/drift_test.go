package webhook_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/specinfo"
	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

// The drift guards of package webhook against the x-webhooks events of api/openapi.yaml:
// every event decodes into its generated payload type, with a field for every property of
// its payload schema. Both are generated (make generate); a failure means the generated
// files are stale, and says so.

func TestSpecEventsDecodeIntoTheirPayloadTypes(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	events, err := spec.Webhooks()
	if err != nil {
		t.Fatal(err)
	}
	k := newKey(1)
	v := verifier(t, k.pub)
	inSpec := map[string]bool{}
	for _, e := range events {
		inSpec[e.Type] = true
		body := `{"data":{"record_type":"event","id":"e","event_type":"` + e.Type + `","payload":{}}}`
		ev, err := v.Parse([]byte(body), webhook.Sign(k.priv, []byte(body), now))
		if err != nil {
			t.Errorf("event %s: %v", e.Type, err)
			continue
		}
		typ := reflect.TypeOf(ev.Payload).Elem()
		if typ.Name() != e.Payload {
			t.Errorf("event %s of api/openapi.yaml (x-webhooks) decodes into webhook.%s, want webhook.%s: run make generate (internal/webhookgen derives the event table, events_index.gen.go)", e.Type, typ.Name(), e.Payload)
			continue
		}
		props, err := spec.Properties(e.Payload)
		if err != nil {
			t.Fatal(err)
		}
		fields := map[string]bool{}
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			fields[name] = true
		}
		for _, p := range props {
			if !fields[p.Name] {
				t.Errorf("property %s of schema %s in api/openapi.yaml has no field in webhook.%s: run make generate", p.Name, e.Payload, typ.Name())
			}
			delete(fields, p.Name)
		}
		for name := range fields {
			t.Errorf("webhook.%s has a field %q that schema %s of api/openapi.yaml does not have (renamed or removed?): run make generate", typ.Name(), name, e.Payload)
		}
	}
	for _, typ := range webhook.KnownEventTypes() {
		if !inSpec[typ] {
			t.Errorf("package webhook decodes event %s, which x-webhooks of api/openapi.yaml does not have: run make generate", typ)
		}
	}
}
