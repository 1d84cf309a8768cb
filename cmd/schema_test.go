package cmd_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/streamctl/streamctl/internal/playground"
)

// demoRegistry is an in-process registry holding the demo's Avro schema,
// counting schema-by-id requests.
func demoRegistry(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var byID atomic.Int64
	fake := srfake.New()
	fake.SeedSchema(playground.AvroOrdersSubject, 1, playground.AvroOrdersSchemaID, sr.Schema{Schema: playground.AvroOrdersSchema, Type: sr.TypeAvro})
	fake.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasPrefix(r.URL.Path, "/schemas/ids/") {
			byID.Add(1)
		}
		return false
	})
	t.Cleanup(fake.Close)
	return fake.URL(), &byID
}

// The schema of an id is asked for once per run, not once per record.
func TestConsumeDecodeAsksForEachSchemaOnce(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	url, byID := demoRegistry(t)
	r := run(t, b.args("consume", playground.AvroOrdersTopic, "-e", "--decode", "-o", "raw", "--registry-url", url)...).ok(t)
	if n := strings.Count(r.out, "\n"); n != 285 {
		t.Fatalf("%d records decoded, want 285", n)
	}
	if got := byID.Load(); got != 1 {
		t.Errorf("%d GET /schemas/ids/ requests for 285 records of one schema, want 1", got)
	}
}

// -o json keeps the raw value and adds the decoded one; the other outputs
// and --where see the decoded JSON.
func TestConsumeDecodeOutputs(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	url, _ := demoRegistry(t)
	args := func(extra ...string) []string {
		return b.args(append([]string{"consume", playground.AvroOrdersTopic, "-e", "-p", "0", "--offset", "0:1", "--decode", "--registry-url", url}, extra...)...)
	}
	r := run(t, args("-o", "json")...).ok(t)
	var env struct {
		Value         string          `json:"value"`
		ValueEncoding string          `json:"value_encoding"`
		ValueSchemaID int             `json:"value_schema_id"`
		ValueDecoded  json.RawMessage `json:"value_decoded"`
	}
	if err := json.Unmarshal([]byte(r.out), &env); err != nil {
		t.Fatal(err, r.out)
	}
	if env.ValueEncoding != "base64" || !strings.HasPrefix(env.Value, "AAAAAAE") || env.ValueSchemaID != 1 ||
		!strings.HasPrefix(string(env.ValueDecoded), `{"type":"OrderCreated","orderId":"order-`) {
		t.Errorf("envelope: %s", r.out)
	}
	if !strings.Contains(r.out, `"value_schema_id":1,"value_decoded":{`) {
		t.Errorf("decoded fields should follow the raw value: %s", r.out)
	}
	raw := run(t, args("-o", "raw")...).ok(t)
	if raw.out != string(env.ValueDecoded)+"\n" {
		t.Errorf("-o raw = %q, want the decoded value", raw.out)
	}
	paid := run(t, b.args("consume", playground.AvroOrdersTopic, "-e", "--decode", "--registry-url", url, "--where", `.type == "OrderPaid"`, "-o", "json")...).ok(t)
	n := strings.Count(paid.out, "\n")
	if n == 0 || n != strings.Count(paid.out, `"value_decoded":{"type":"OrderPaid"`) {
		t.Errorf("--where on decoded values kept %d records:\n%s", n, paid.out)
	}
}

// Without a registry anywhere, --decode is a usage error that says where
// to set one.
func TestDecodeNeedsARegistry(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, b.args("consume", playground.AvroOrdersTopic, "-e", "--decode")...).exit(t, 2)
	for _, want := range []string{"no schema registry", "--registry-url", "STREAMCTL_SCHEMA_REGISTRY_URL"} {
		if !strings.Contains(r.errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
		}
	}
}

// Subject name strategies: TopicName (default), RecordName, TopicRecordName.
func TestProduceSubjectStrategies(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "payments")...).ok(t)
	avsc := filepath.Join(t.TempDir(), "payment.avsc")
	if err := os.WriteFile(avsc, []byte(`{"type":"record","name":"Payment","namespace":"pay","fields":[{"name":"id","type":"long"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ strategy, subject string }{
		{"TopicName", "payments-value"}, {"RecordName", "pay.Payment"}, {"TopicRecordName", "payments-pay.Payment"},
	} {
		url, _ := demoRegistry(t)
		runIn(t, `{"id":1}`+"\n", b.args("produce", "payments", "--value-schema", avsc, "--subject-strategy", tt.strategy, "--registry-url", url)...).ok(t)
		r := run(t, "schema", "list", "--registry-url", url).ok(t)
		if !strings.Contains(r.out, "\n"+tt.subject+"\tAVRO\t1\t") {
			t.Errorf("%s: subjects\n%s", tt.strategy, r.out)
		}
	}
	r := run(t, b.args("produce", "payments", "--value-schema", avsc, "--value-subject", "x")...).exit(t, 2)
	if !strings.Contains(r.errOut, "not both") {
		t.Errorf("stderr: %s", r.errOut)
	}
}
