package cmd_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/playground"
)

// sameJSONLines compares two sets of JSON lines as multisets of values.
func sameJSONLines(t *testing.T, what, got, want string) {
	t.Helper()
	norm := func(s string) []string {
		var out []string
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			var v any
			if err := json.Unmarshal([]byte(l), &v); err != nil {
				t.Fatalf("%s: not JSON: %v: %q", what, err, l)
			}
			b, _ := json.Marshal(v)
			out = append(out, string(b))
		}
		slices.Sort(out)
		return out
	}
	if g, w := norm(got), norm(want); !slices.Equal(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, strings.Join(g, "\n     "), strings.Join(w, "\n     "))
	}
}

func testdataFile(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "e2e", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(testdataFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// envelopeValue is what these tests read of an -o json line.
type envelopeValue struct {
	Value         *string         `json:"value"`
	ValueEncoding string          `json:"value_encoding"`
	ValueSchemaID *int            `json:"value_schema_id"`
	ValueDecoded  json.RawMessage `json:"value_decoded"`
	Key           *string         `json:"key"`
	KeyEncoding   string          `json:"key_encoding"`
	KeyDecoded    json.RawMessage `json:"key_decoded"`
}

func decodedEnvelopes(t *testing.T, out string) []envelopeValue {
	t.Helper()
	var envs []envelopeValue
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var e envelopeValue
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("not an envelope: %v: %s", err, l)
		}
		envs = append(envs, e)
	}
	return envs
}

// A framed value is binary: -o json writes it in base64 with its decoded
// form beside it, whatever its bytes look like. A JSON Schema record with
// schema id 1 is valid UTF-8 (0x00 0x00 0x00 0x00 0x01 then JSON) and came
// out as a string of \u0000 escapes while others were base64. The envelope
// still produces the records back byte for byte.
func TestFramedValuesAreBase64InJSON(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "orders-json", "--partitions", "1")...).ok(t)
	input := readTestdata(t, "order.json.jsonl")
	runIn(t, input, b.args("produce", "orders-json", "--value-schema", testdataFile(t, "order.schema.json"), "--registry-url", b.registry)...).ok(t)
	r := run(t, b.args("consume", "orders-json", "-e", "--decode", "--registry-url", b.registry, "-o", "json")...).ok(t)
	if strings.Contains(r.out, `\u0000`) {
		t.Errorf("a framed value written as a string:\n%s", r.out)
	}
	var decoded []string
	for _, e := range decodedEnvelopes(t, r.out) {
		raw, err := base64.StdEncoding.DecodeString(*e.Value)
		if e.ValueEncoding != "base64" || err != nil || len(raw) < 5 || raw[0] != 0 || e.ValueSchemaID == nil {
			t.Fatalf("value %q (encoding %q): want the framed bytes in base64, and the schema id:\n%s", *e.Value, e.ValueEncoding, r.out)
		}
		decoded = append(decoded, string(e.ValueDecoded))
	}
	sameJSONLines(t, "value_decoded", strings.Join(decoded, "\n"), input)

	run(t, b.args("topic", "create", "orders-json-copy", "--partitions", "1")...).ok(t)
	runIn(t, r.out, b.args("produce", "orders-json-copy", "--format", "json")...).ok(t)
	src := run(t, b.args("consume", "orders-json", "-e", "-o", "raw")...).ok(t)
	cp := run(t, b.args("consume", "orders-json-copy", "-e", "-o", "raw")...).ok(t)
	if src.out != cp.out || !strings.HasPrefix(src.out, "\x00") {
		t.Errorf("the copy differs:\n%q\n%q", src.out, cp.out)
	}
}

// Topics of Avro, Protobuf or JSON without the registry's framing: produce
// --unframed encodes with a local schema file and consume, replay and dlq
// inspect decode with it, with no registry anywhere.
func TestUnframedSchemaFiles(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	for _, tt := range []struct{ typ, schema, input, first string }{
		{"avro", "order.avsc", "order.avro.jsonl", "\x02"},       // id 1, zigzag
		{"protobuf", "order.proto", "order.proto.jsonl", "\x08"}, // field 1, varint
		{"json", "order.schema.json", "order.json.jsonl", "{"},
	} {
		t.Run(tt.typ, func(t *testing.T) {
			topic := "raw-" + tt.typ
			file, input := testdataFile(t, tt.schema), readTestdata(t, tt.input)
			run(t, b.args("topic", "create", topic, "--partitions", "1")...).ok(t)
			runIn(t, input, b.args("produce", topic, "--value-schema", file, "--unframed")...).ok(t)

			raw := run(t, b.args("consume", topic, "-e", "-n", "1", "-o", "raw")...).ok(t)
			if !strings.HasPrefix(raw.out, tt.first) {
				t.Errorf("the record starts %q, want the encoded data alone, starting %q", raw.out[:min(8, len(raw.out))], tt.first)
			}
			dec := run(t, b.args("consume", topic, "-e", "--value-schema", file, "--unframed", "-o", "raw")...).ok(t)
			sameJSONLines(t, "decoded", dec.out, input)

			js := run(t, b.args("consume", topic, "-e", "--value-schema", file, "--unframed", "-o", "json")...).ok(t)
			var decoded []string
			for _, e := range decodedEnvelopes(t, js.out) {
				if e.ValueSchemaID != nil || (tt.typ != "json") != (e.ValueEncoding == "base64") {
					t.Errorf("envelope: schema id %v, encoding %q:\n%s", e.ValueSchemaID, e.ValueEncoding, js.out)
				}
				decoded = append(decoded, string(e.ValueDecoded))
			}
			sameJSONLines(t, "value_decoded", strings.Join(decoded, "\n"), input)

			dir := t.TempDir()
			archive := filepath.Join(dir, "a.jsonl")
			run(t, b.args("replay", topic, "--to-file", archive, "--value-schema", file, "--unframed", "--checkpoint", filepath.Join(dir, "cp.json"))...).ok(t)
			a, err := os.ReadFile(archive)
			if err != nil {
				t.Fatal(err)
			}
			decoded = decoded[:0]
			for _, e := range decodedEnvelopes(t, string(a)) {
				decoded = append(decoded, string(e.ValueDecoded))
			}
			sameJSONLines(t, "replay --to-file", strings.Join(decoded, "\n"), input)

			insp := run(t, b.args("dlq", "inspect", topic, "--value-schema", file, "--unframed", "-o", "json")...).ok(t)
			if n := strings.Count(insp.out, `"value_decoded": {`); n != len(strings.Split(strings.TrimSpace(input), "\n")) {
				t.Errorf("dlq inspect decoded %d records:\n%s", n, insp.out)
			}
		})
	}
}

// Keys too: --key-schema with --unframed, and the --proto-message picks the
// message.
func TestUnframedKeysAndMessages(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	proto := testdataFile(t, "order.proto")
	run(t, b.args("topic", "create", "refunds", "--partitions", "1")...).ok(t)
	runIn(t, `{"orderId":"7","reason":"late"}`+"\t"+`{"id":"7","amount":3}`+"\n",
		b.args("produce", "refunds", "--parse-key", "--key-schema", proto, "--key-proto-message", "shop.Refund", "--value-schema", proto, "--unframed")...).ok(t)
	r := run(t, b.args("consume", "refunds", "-e", "--key-schema", proto, "--key-proto-message", "shop.Refund", "--value-schema", proto, "--unframed", "-o", "json")...).ok(t)
	e := decodedEnvelopes(t, r.out)[0]
	if string(e.KeyDecoded) != `{"orderId":"7","reason":"late"}` || e.KeyEncoding != "base64" || string(e.ValueDecoded) != `{"id":"7","amount":3}` {
		t.Errorf("envelope:\n%s", r.out)
	}
	r = run(t, b.args("consume", "refunds", "-e", "--value-schema", proto, "--proto-message", "shop.Nope", "--unframed")...).exit(t, 1)
	if !strings.Contains(r.errOut, `no message "shop.Nope" in the schema (it has shop.Order, shop.Refund)`) {
		t.Errorf("stderr: %s", r.errOut)
	}
}

// What an unframed schema file uses from other files is found on disk: a
// Protobuf import and an Avro named type, in the file's directory or a
// --schema-path one; a missing one is named, with the flag to use.
func TestUnframedSchemaImports(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	types, main := t.TempDir(), t.TempDir()
	writeFiles(t, types, map[string]string{
		"shop/money.proto": "syntax = \"proto3\";\npackage shop;\nmessage Money { int64 units = 1; string currency = 2; }\n",
		"shop.Money.avsc":  `{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"units","type":"long"},{"name":"currency","type":"string"}]}`,
	})
	writeFiles(t, main, map[string]string{
		"payment.proto": "syntax = \"proto3\";\npackage shop;\nimport \"shop/money.proto\";\nimport \"google/protobuf/timestamp.proto\";\n" +
			"message Payment { int64 id = 1; Money total = 2; google.protobuf.Timestamp at = 3; }\n",
		"payment.avsc": `{"type":"record","name":"Payment","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"total","type":"Money"},{"name":"fee","type":["null","shop.Money"],"default":null}]}`,
	})
	for _, tt := range []struct{ file, line, missing string }{
		{"payment.proto", `{"id":"1","total":{"units":"5","currency":"EUR"},"at":"2026-01-02T03:04:05Z"}`, `payment.proto:3:8: import "shop/money.proto" is in none of ` + main + ` (add its directory with --schema-path)`},
		{"payment.avsc", `{"id":1,"total":{"units":5,"currency":"EUR"},"fee":{"shop.Money":{"units":1,"currency":"EUR"}}}`, `payment.avsc: the schema uses the type shop.Money: it is defined in none of shop.Money.avsc, Money.avsc, shop/Money.avsc in ` + main + ` (add its directory with --schema-path)`},
	} {
		t.Run(tt.file, func(t *testing.T) {
			topic := "pay-" + strings.TrimPrefix(filepath.Ext(tt.file), ".")
			file := filepath.Join(main, tt.file)
			run(t, b.args("topic", "create", topic, "--partitions", "1")...).ok(t)
			r := runIn(t, tt.line+"\n", b.args("produce", topic, "--value-schema", file, "--unframed")...).exit(t, 1)
			if !strings.Contains(r.errOut, tt.missing) {
				t.Errorf("stderr lacks %s:\n%s", tt.missing, r.errOut)
			}
			runIn(t, tt.line+"\n", b.args("produce", topic, "--value-schema", file, "--unframed", "--schema-path", types)...).ok(t)
			r = run(t, b.args("consume", topic, "-e", "--value-schema", file, "--unframed", "--schema-path", types, "-o", "raw")...).ok(t)
			sameJSONLines(t, "decoded", r.out, tt.line)
			r = run(t, b.args("consume", topic, "-e", "--value-schema", file, "--unframed")...).exit(t, 1)
			if !strings.Contains(r.errOut, "--value-schema: ") || !strings.Contains(r.errOut, tt.missing) {
				t.Errorf("consume stderr lacks %s:\n%s", tt.missing, r.errOut)
			}
		})
	}
}

// A local schema file decodes framed records too, without asking a
// registry: the same JSON as --decode, the id in the framing reported.
// Framed records under --unframed, and the reverse, are named as such.
func TestSchemaFileDecodesFramedRecords(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	url, _ := demoRegistry(t)
	avsc := filepath.Join(t.TempDir(), "order-event.avsc")
	writeFiles(t, filepath.Dir(avsc), map[string]string{filepath.Base(avsc): playground.AvroOrdersSchema})
	want := run(t, b.args("consume", playground.AvroOrdersTopic, "-e", "-p", "1", "--decode", "--registry-url", url, "-o", "json")...).ok(t)
	got := run(t, b.args("consume", playground.AvroOrdersTopic, "-e", "-p", "1", "--value-schema", avsc, "-o", "json")...).ok(t)
	if got.out != want.out {
		t.Errorf("decoded with the file:\n%s\nwith the registry:\n%s", got.out, want.out)
	}
	r := run(t, b.args("consume", playground.AvroOrdersTopic, "-e", "--value-schema", avsc, "--unframed")...).exit(t, 1)
	if !strings.Contains(r.errOut, "it starts like a schema registry framed record, magic byte 0x00 and an id: leave out --unframed?") {
		t.Errorf("stderr: %s", r.errOut)
	}
	r = run(t, b.args("consume", "order-events", "-e", "--value-schema", avsc)...).exit(t, 1)
	if !strings.Contains(r.errOut, "order-events[0] offset 0: --value-schema "+avsc+": not in the schema registry wire format: it starts with byte 0x7b, not the magic byte 0x00 (records without the framing: add --unframed)") {
		t.Errorf("stderr: %s", r.errOut)
	}
}

// Schema references: a schema using an Avro named type or a Protobuf import
// kept under another subject is registered with --reference (schema
// register, produce), checked with it (schema compat check), and records
// of it encode and decode through the registry.
func TestSchemaReferences(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"money.avsc":    `{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"units","type":"long"},{"name":"currency","type":"string"}]}`,
		"payment.avsc":  `{"type":"record","name":"Payment","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"total","type":"Money"}]}`,
		"money.proto":   "syntax = \"proto3\";\npackage shop;\nmessage Money { int64 units = 1; string currency = 2; }\n",
		"payment.proto": "syntax = \"proto3\";\npackage shop;\nimport \"shop/money.proto\";\nmessage Payment { int64 id = 1; Money total = 2; }\n",
	})
	reg := func(args ...string) []string { return b.args(append(args, "--registry-url", b.registry)...) }
	for _, tt := range []struct{ typ, money, payment, ref, line string }{
		{"avro", "money.avsc", "payment.avsc", "shop.Money", `{"id":1,"total":{"units":5,"currency":"EUR"}}`},
		{"protobuf", "money.proto", "payment.proto", "shop/money.proto", `{"id":"1","total":{"units":"5","currency":"EUR"}}`},
	} {
		t.Run(tt.typ, func(t *testing.T) {
			money, payment := "money-"+tt.typ, "payment-"+tt.typ
			run(t, reg("schema", "register", money, filepath.Join(dir, tt.money))...).ok(t)
			r := run(t, reg("schema", "register", payment, filepath.Join(dir, tt.payment))...).exit(t, 1)
			if !strings.Contains(r.errOut, "needs --reference NAME=SUBJECT[:VERSION]") {
				t.Errorf("without --reference: %s", r.errOut)
			}
			run(t, reg("schema", "register", payment, filepath.Join(dir, tt.payment), "--reference", tt.ref+"="+money)...).ok(t)
			r = run(t, reg("schema", "get", payment, "-o", "json")...).ok(t)
			if !strings.Contains(r.out, `"name": "`+tt.ref+`",`) || !strings.Contains(r.out, `"subject": "`+money+`",`) || !strings.Contains(r.out, `"version": 1`) {
				t.Errorf("schema get: %s", r.out)
			}
			run(t, reg("schema", "compat", "check", payment, filepath.Join(dir, tt.payment), "--reference", tt.ref+"="+money+":1")...).ok(t)

			topic := "payments-" + tt.typ
			run(t, b.args("topic", "create", topic, "--partitions", "1")...).ok(t)
			runIn(t, tt.line+"\n", reg("produce", topic, "--value-subject", payment)...).ok(t)
			runIn(t, tt.line+"\n", reg("produce", topic, "--value-schema", filepath.Join(dir, tt.payment), "--reference", tt.ref+"="+money+":1")...).ok(t)
			r = run(t, reg("consume", topic, "-e", "--decode", "-o", "raw")...).ok(t)
			sameJSONLines(t, "decoded", r.out, tt.line+"\n"+tt.line)
			r = run(t, reg("schema", "get", topic+"-value", "-o", "json")...).ok(t)
			if !strings.Contains(r.out, `"subject": "`+money+`",`) {
				t.Errorf("produce registered %s-value without its reference: %s", topic, r.out)
			}
		})
	}
}
