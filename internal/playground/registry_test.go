package playground

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// GET /schemas/ids/{id}?subject=S answers by the id, as Confluent's
// registry does: the subject only names the context to look in. Confluent's
// deserializers send the record's TopicName subject with every lookup, so a
// record written under another subject (--value-subject, RecordName) must
// still resolve.
func TestRegistryAnswersByIDWhateverTheSubject(t *testing.T) {
	reg, err := startRegistry(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.close)
	cl, err := sr.NewClient(sr.URLs(reg.url()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	payment, err := cl.CreateSchema(ctx, "pay.Payment", sr.Schema{Schema: `{"type":"record","name":"Payment","namespace":"pay","fields":[{"name":"id","type":"long"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.CreateSchema(ctx, "payments-value", sr.Schema{Schema: `"string"`}); err != nil {
		t.Fatal(err)
	}
	staging, err := cl.CreateSchema(ctx, ":.staging:payments-value", sr.Schema{Schema: `"long"`})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(reg.url() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Schema    string `json:"schema"`
			ErrorCode int    `json:"error_code"`
		}
		var raw json.RawMessage
		if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if json.Unmarshal(raw, &body) != nil { // /schema answers with the bare text
			_ = json.Unmarshal(raw, &body.Schema)
		}
		if body.ErrorCode != 0 {
			return resp.StatusCode, fmt.Sprint(body.ErrorCode)
		}
		return resp.StatusCode, body.Schema
	}
	id, want := payment.ID, payment.Schema.Schema
	for _, tt := range []struct {
		path       string
		wantStatus int
		want       string
	}{
		{fmt.Sprintf("/schemas/ids/%d?subject=payments-value", id), 200, want},
		{fmt.Sprintf("/schemas/ids/%d?subject=no-such-subject", id), 200, want},
		{fmt.Sprintf("/schemas/ids/%d/schema?subject=payments-value", id), 200, want},
		{fmt.Sprintf("/schemas/ids/%d?subject=%s", staging.ID, url.QueryEscape(":.staging:other")), 200, staging.Schema.Schema},
		{fmt.Sprintf("/schemas/ids/%d?subject=%s", id, url.QueryEscape(":.staging:payments-value")), 404, "40403"}, // another context
		{fmt.Sprintf("/schemas/ids/%d?subject=payments-value", id+100), 404, "40403"},
	} {
		if status, got := get(tt.path); status != tt.wantStatus || got != tt.want {
			t.Errorf("GET %s: HTTP %d %s, want %d %s", tt.path, status, got, tt.wantStatus, tt.want)
		}
	}
}
