package cmd_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
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

// Without a registry anywhere, --decode fails as a missing broker does
// (exit 1: the setup, not the command line) and says where to set one.
func TestDecodeNeedsARegistry(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, b.args("consume", playground.AvroOrdersTopic, "-e", "--decode")...).exit(t, 1)
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

// replay --to-file --decode archives envelopes with the decoded value
// beside the raw one; the archive still produces the records back as they
// were. Topics and groups take no --decode.
func TestReplayToFileDecode(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	url, _ := demoRegistry(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "orders.jsonl")
	run(t, b.args("replay", playground.AvroOrdersTopic, "--to-file", out, "--decode", "--registry-url", url,
		"--event-type", "OrderPaid", "--type-field", "type", "--checkpoint", filepath.Join(dir, "cp.json"))...).ok(t)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 10 {
		t.Fatalf("%d records archived", len(lines))
	}
	for _, l := range lines {
		if !strings.Contains(l, `"value_encoding":"base64","value_schema_id":1,"value_decoded":{"type":"OrderPaid",`) {
			t.Fatalf("archived envelope: %s", l)
		}
	}
	run(t, b.args("topic", "create", "paid-copy", "--partitions", "3")...).ok(t)
	runIn(t, string(data), b.args("produce", "paid-copy", "--format", "json")...).ok(t)
	src := run(t, b.args("consume", playground.AvroOrdersTopic, "-e", "-o", "raw", "--decode", "--registry-url", url, "--where", `.type == "OrderPaid"`)...).ok(t)
	cp := run(t, b.args("consume", "paid-copy", "-e", "-o", "raw", "--decode", "--registry-url", url)...).ok(t)
	if sortedLines(src.out) != sortedLines(cp.out) {
		t.Errorf("the copy decodes differently:\n%s\n%s", src.out, cp.out)
	}
	r := run(t, b.args("replay", playground.AvroOrdersTopic, "--to-topic", "x", "--decode", "--registry-url", url)...).exit(t, 2)
	if !strings.Contains(r.errOut, "--to-file and --exec") {
		t.Errorf("stderr: %s", r.errOut)
	}
}

func sortedLines(s string) string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(ls)
	return strings.Join(ls, "\n")
}

// dlq inspect --decode shows the decoded value in each record (json and
// yaml, in the schema's field order).
func TestDLQInspectDecode(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	url, _ := demoRegistry(t)
	r := run(t, b.args("dlq", "inspect", playground.AvroOrdersTopic, "-n", "2", "--decode", "--registry-url", url, "-o", "json")...).ok(t)
	if strings.Count(r.out, `"value_decoded": {`) != 2 || !strings.Contains(r.out, `"value_schema_id": 1`) {
		t.Errorf("json:\n%s", r.out)
	}
	y := run(t, b.args("dlq", "inspect", playground.AvroOrdersTopic, "-n", "1", "--decode", "--registry-url", url, "-o", "yaml")...).ok(t)
	if !strings.Contains(y.out, "value_decoded:\n      type: OrderCreated\n      orderId: order-") {
		t.Errorf("yaml:\n%s", y.out)
	}
}

// A bearer token from the profile reaches the registry; a wrong one is
// refused with a message that names the profile.
func TestRegistryBearerToken(t *testing.T) { // not parallel: Setenv
	b := startDemo(t)
	fake := srfake.New(srfake.WithAuth("Bearer tok-123"))
	fake.SeedSchema(playground.AvroOrdersSubject, 1, playground.AvroOrdersSchemaID, sr.Schema{Schema: playground.AvroOrdersSchema, Type: sr.TypeAvro})
	t.Cleanup(fake.Close)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	write := func(token string) {
		body := "current_profile: sr\nprofiles:\n  sr:\n    brokers: [" + b.addr + "]\n    schema_registry:\n      url: " + fake.URL() + "\n      token_env: SR_TOKEN_" + token + "\n"
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("SR_TOKEN_good", "tok-123")
	t.Setenv("SR_TOKEN_bad", "nope")
	write("good")
	r := run(t, "--config", cfg, "consume", playground.AvroOrdersTopic, "-e", "-n", "1", "--decode", "-o", "raw").ok(t)
	if !strings.HasPrefix(r.out, `{"type":"OrderCreated"`) {
		t.Errorf("stdout: %s", r.out)
	}
	write("bad")
	r = run(t, "--config", cfg, "consume", playground.AvroOrdersTopic, "-e", "-n", "1", "--decode", "-o", "raw").exit(t, 1)
	if !strings.Contains(r.errOut, `refused the credentials (HTTP 40`) || !strings.Contains(r.errOut, `in profile "sr"`) || strings.Contains(r.errOut, "nope") {
		t.Errorf("stderr: %s", r.errOut)
	}
}

// Keys get their own schema (--key-schema) and decode with --decode=key,value.
func TestProduceKeySchema(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	url, _ := demoRegistry(t)
	run(t, b.args("topic", "create", "keyed", "--partitions", "1")...).ok(t)
	dir := t.TempDir()
	keyAvsc := filepath.Join(dir, "key.avsc")
	if err := os.WriteFile(keyAvsc, []byte(`{"type":"record","name":"OrderKey","fields":[{"name":"orderId","type":"string"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	runIn(t, `{"orderId":"o-1"}`+"\t"+`{"type":"OrderPaid","orderId":"o-1","customerId":"c","amount":{"double":1},"carrier":null,"at":0}`+"\n",
		b.args("produce", "keyed", "--parse-key", "--key-schema", keyAvsc, "--value-subject", playground.AvroOrdersSubject, "--registry-url", url)...).ok(t)
	r := run(t, b.args("consume", "keyed", "-e", "--decode=key,value", "--registry-url", url, "-o", "json")...).ok(t)
	for _, want := range []string{`"key_schema_id":2,"key_decoded":{"orderId":"o-1"}`, `"value_schema_id":1,"value_decoded":{"type":"OrderPaid"`} {
		if !strings.Contains(r.out, want) {
			t.Errorf("lacks %s:\n%s", want, r.out)
		}
	}
	if r := run(t, "schema", "list", "--registry-url", url).ok(t); !strings.Contains(r.out, "keyed-key\tAVRO\t1\t2") {
		t.Errorf("subjects:\n%s", r.out)
	}
	// A plain key under --decode=key is a record without framing.
	runIn(t, "v\n", b.args("produce", "keyed", "-k", "plain")...).ok(t)
	r = run(t, b.args("consume", "keyed", "-e", "--decode=key", "--registry-url", url)...).exit(t, 1)
	if !strings.Contains(r.errOut, "keyed[0] offset 1: --decode key: not in the schema registry wire format") {
		t.Errorf("stderr: %s", r.errOut)
	}
}

// The schema commands' table, json and yaml output.
func TestSchemaOutputGolden(t *testing.T) {
	t.Parallel()
	url, _ := demoRegistry(t)
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"schema_list.table", []string{"schema", "list"}},
		{"schema_list.json", []string{"schema", "list", "-o", "json"}},
		{"schema_versions.yaml", []string{"schema", "versions", playground.AvroOrdersSubject, "-o", "yaml"}},
		{"schema_get.table", []string{"schema", "get", playground.AvroOrdersSubject}},
		{"schema_config_get.json", []string{"schema", "config", "get", "-o", "json"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			r := run(t, append(tt.args, "--registry-url", url)...).ok(t)
			golden(t, tt.golden, r.out)
		})
	}
}

// schema delete and schema config set change what the registry holds: a
// plan until --execute, and a delete asks (--execute --yes in a script).
func TestSchemaDeleteAndConfigSetArePlansUntilExecute(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	reg := func(args ...string) []string { return append(args, "--registry-url", b.registry) }
	id := decode[struct{ ID int }](t, run(t, reg("schema", "register", "orders-value", testdataFile(t, "order.avsc"), "-o", "json")...).ok(t)).ID
	versions := func() int {
		t.Helper()
		r := run(t, reg("schema", "versions", "orders-value", "-o", "json")...)
		if r.code != 0 {
			return 0
		}
		return len(decode[[]json.RawMessage](t, r))
	}
	level := func() string {
		t.Helper()
		lv := decode[[]struct{ Compatibility string }](t, run(t, reg("schema", "config", "get", "orders-value", "-o", "json")...).ok(t))
		return lv[0].Compatibility
	}

	before := level()
	r := run(t, reg("schema", "config", "set", "orders-value", "--compatibility", "FULL", "-o", "json")...).ok(t)
	golden(t, "schema_config_set_dry_run.json", r.out)
	if !strings.Contains(r.errOut, "Dry run: nothing changed. Add --execute to apply.") || level() != before {
		t.Fatalf("a dry run changed the level from %s to %s:\n%s", before, level(), r.errOut)
	}
	r = run(t, reg("schema", "config", "set", "orders-value", "--compatibility", "FULL", "--execute")...).ok(t)
	if r.out != "SUBJECT\tCURRENT\tCHANGE\norders-value\t"+before+"\tset to FULL\n" || level() != "FULL" {
		t.Errorf("config set --execute: level %s, stdout %q", level(), r.out)
	}

	r = run(t, reg("schema", "delete", "orders-value", "-o", "json")...).ok(t)
	golden(t, "schema_delete_dry_run.json", r.out)
	if versions() != 1 {
		t.Fatal("a dry run deleted the subject")
	}
	run(t, reg("schema", "delete", "orders-value", "--yes")...).exit(t, 2)
	r = run(t, reg("schema", "delete", "orders-value", "--execute")...).exit(t, 2)
	if !strings.Contains(r.errOut, "pass --yes") || versions() != 1 {
		t.Fatalf("delete --execute off a terminal:\n%s", r.errOut)
	}
	r = run(t, reg("schema", "delete", "orders-value", "--version", "7")...).exit(t, 1)
	if !strings.Contains(r.errOut, `subject "orders-value" has no version 7 (versions 1)`) {
		t.Errorf("an unknown version: %s", r.errOut)
	}
	r = run(t, reg("schema", "delete", "orders-value", "--execute", "--yes")...).ok(t)
	if r.out != fmt.Sprintf("SUBJECT\tVERSION\tID\tDELETE\tRESULT\norders-value\t1\t%d\tsoft\tdeleted\n", id) || versions() != 0 {
		t.Errorf("delete --execute --yes: %d versions left, stdout %q", versions(), r.out)
	}
}

// schema register acts at once; --dry-run registers nothing: it says
// whether the subject holds the schema already, and has the registry check
// a new one's compatibility, failing as the registration would.
func TestSchemaRegisterDryRun(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	reg := func(args ...string) []string { return append(args, "--registry-url", b.registry) }
	dir := t.TempDir()
	v1 := filepath.Join(dir, "v1.avsc")
	v2 := filepath.Join(dir, "v2.avsc")
	bad := filepath.Join(dir, "bad.avsc")
	for path, text := range map[string]string{
		v1:  `{"type":"record","name":"Payment","fields":[{"name":"id","type":"long"}]}`,
		v2:  `{"type":"record","name":"Payment","fields":[{"name":"id","type":"long"},{"name":"note","type":["null","string"],"default":null}]}`,
		bad: `{"type":"record","name":"Payment","fields":[{"name":"id","type":"long"},{"name":"qty","type":"int"}]}`,
	} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	subjects := func() string { return run(t, reg("schema", "list")...).ok(t).out }

	r := run(t, reg("schema", "register", "pay-value", v1, "--dry-run")...).ok(t)
	if r.out != "SUBJECT\tVERSION\tID\tRESULT\npay-value\t-\t-\tvalid, not registered (dry run)\n" || strings.Contains(subjects(), "pay-value") {
		t.Fatalf("a dry run of a new subject: %q; subjects:\n%s", r.out, subjects())
	}
	r = run(t, reg("schema", "register", "pay-value", v1, "-o", "json")...).ok(t)
	id := decode[struct{ ID int }](t, r).ID
	r = run(t, reg("schema", "register", "pay-value", v1, "--dry-run")...).ok(t)
	if r.out != fmt.Sprintf("SUBJECT\tVERSION\tID\tRESULT\npay-value\t1\t%d\talready registered (dry run)\n", id) {
		t.Errorf("a dry run of a registered schema: %q", r.out)
	}
	run(t, reg("schema", "register", "pay-value", v2, "--dry-run")...).ok(t)
	r = run(t, reg("schema", "register", "pay-value", bad, "--dry-run")...).exit(t, 1)
	if !strings.Contains(r.errOut, `registering under subject "pay-value": the registry would refuse it: not compatible with version 1`) {
		t.Errorf("an incompatible schema: %s", r.errOut)
	}
	if r := run(t, reg("schema", "versions", "pay-value", "-o", "json")...).ok(t); len(decode[[]json.RawMessage](t, r)) != 1 {
		t.Errorf("dry runs registered something:\n%s", r.out)
	}
}
