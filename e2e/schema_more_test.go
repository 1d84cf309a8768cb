//go:build e2e

package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// Confluent's Python deserializer sends the topic's TopicName subject with
// every schema lookup (GET /schemas/ids/{id}?subject=T-value). Records
// written under another subject, by --value-subject or the RecordName
// strategy, must still decode there: Confluent's registry answers by the
// id, the subject only naming a context, and so must the playground's.
func TestSchemaConfluentReadsRecordsOfAnotherSubject(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg srTarget) {
		u := tg.newUser(t)
		input := testdata(t, "order.avro.jsonl")
		n := fmt.Sprint(len(lines(input)))
		// A record name of this test's own, so that its RecordName subject
		// is not shared with other runs.
		ns := strings.ReplaceAll(uniqueName(t, ""), "-", "_")
		avsc := u.writeFile("order.avsc", []byte(strings.Replace(testdata(t, "order.avsc"), `"namespace": "shop"`, `"namespace": "`+ns+`"`, 1)), 0o644)

		t.Run("value-subject", func(t *testing.T) {
			topic, subject := uniqueName(t, ""), uniqueName(t, "orders")
			u.run("topic", "create", topic, "--partitions", "1").ok(t)
			u.run("schema", "register", subject, avsc).ok(t)
			u.runIn(input, "produce", topic, "--value-subject", subject).ok(t)
			got := tg.py(t, "", "consume", "--topic", topic, "--type", "avro", "--schema", avsc, "--count", n)
			sameJSON(t, "records under subject "+subject+" read by Confluent's deserializer", lines(got), lines(input))
		})
		t.Run("RecordName", func(t *testing.T) {
			topic := uniqueName(t, "")
			u.run("topic", "create", topic, "--partitions", "1").ok(t)
			u.runIn(input, "produce", topic, "--value-schema", avsc, "--subject-strategy", "RecordName").ok(t)
			u.run("schema", "versions", ns+".Order").ok(t)
			got := tg.py(t, "", "consume", "--topic", topic, "--type", "avro", "--schema", avsc, "--count", n)
			sameJSON(t, "RecordName records read by Confluent's deserializer", lines(got), lines(input))
		})
	})
}

// Topics without the registry's framing: what streamctl writes with
// --unframed and a schema file is read by plain fastavro, protobuf and json
// (no Confluent serializer, no registry), and what they write streamctl
// reads with the same file. The user has no registry configured at all.
func TestSchemaUnframedInterop(t *testing.T) {
	u := newUser(t)
	// The registry address is never asked: nothing listens there.
	tg := srTarget{name: "kafka", bootstrap: k(t, "KAFKA_BOOTSTRAP"), registry: "http://" + closedPort(t)}
	for _, c := range schemaCases {
		t.Run(c.typ, func(t *testing.T) {
			t.Parallel()
			input := testdata(t, c.input)
			schemaFile := filepath.Join(repoDir, "e2e", "testdata", c.schema)
			n := fmt.Sprint(len(lines(input)))

			fromPy := uniqueName(t, "py")
			u.run("topic", "create", fromPy, "--partitions", "2").ok(t)
			tg.py(t, input, "produce", "--unframed", "--topic", fromPy, "--type", c.typ, "--schema", schemaFile)
			r := u.run("consume", fromPy, "-e", "--value-schema", schemaFile, "--unframed", "-o", "json").ok(t)
			var decoded []string
			for _, e := range srEnvelopes(t, r) {
				if e.ValueDecoded == nil || e.ValueSchemaID != nil {
					t.Fatalf("want value_decoded and no schema id:\n%s", r)
				}
				decoded = append(decoded, string(e.ValueDecoded))
			}
			sameJSON(t, "plain "+c.typ+" records decoded by streamctl", decoded, lines(input))

			fromUs := uniqueName(t, "streamctl")
			u.run("topic", "create", fromUs, "--partitions", "2").ok(t)
			u.runIn(input, "produce", fromUs, "--value-schema", schemaFile, "--unframed").ok(t)
			got := tg.py(t, "", "consume", "--unframed", "--topic", fromUs, "--type", c.typ, "--schema", schemaFile, "--count", n)
			sameJSON(t, "streamctl's unframed records decoded by plain "+c.typ, lines(got), lines(input))
		})
	}
}

// Schema references against a real registry: streamctl registers a schema
// whose Avro named type or Protobuf import is under another subject
// (--reference), writes and reads records of it; and Confluent's Python
// Protobuf serializer, which registers a file's imports as subjects of
// their own, writes records streamctl decodes, references and all.
func TestSchemaReferencesInterop(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg srTarget) {
		u := tg.newUser(t)
		ns := strings.ReplaceAll(uniqueName(t, ""), "-", "_")
		money := uniqueName(t, "money")
		dir := uniqueName(t, "schemas")
		u.writeFile(dir+"/money.avsc", []byte(`{"type":"record","name":"Money","namespace":"`+ns+`","fields":[{"name":"units","type":"long"},{"name":"currency","type":"string"}]}`), 0o644)
		payment := u.writeFile(dir+"/payment.avsc", []byte(`{"type":"record","name":"Payment","namespace":"`+ns+`","fields":[{"name":"id","type":"long"},{"name":"total","type":"Money"},{"name":"fee","type":["null","Money"],"default":null}]}`), 0o644)
		u.run("schema", "register", money, filepath.Join(u.home, dir, "money.avsc")).ok(t)

		t.Run("avro", func(t *testing.T) {
			subject, topic := uniqueName(t, "payment"), uniqueName(t, "")
			u.run("schema", "register", subject, payment).exit(t, 1).errContains(t, "needs --reference NAME=SUBJECT[:VERSION]")
			u.run("schema", "register", subject, payment, "--reference", ns+".Money="+money).ok(t)
			var v struct {
				References []struct {
					Name, Subject string
					Version       int
				} `json:"references"`
			}
			u.run("schema", "get", subject, "-o", "json").ok(t).json(t, &v)
			if len(v.References) != 1 || v.References[0].Name != ns+".Money" || v.References[0].Subject != money || v.References[0].Version != 1 {
				t.Errorf("references: %+v", v.References)
			}
			compat := u.run("schema", "compat", "check", subject, payment, "--reference", ns+".Money="+money+":1")
			if tg.name == "apicurio" {
				// Apicurio 3.3.3's ccompat compatibility check parses the
				// schema without its references (registering takes them):
				// its refusal is shown as it is.
				compat.exit(t, 1).errContains(t, "answered HTTP 422: Invalid schema: Syntax violation for Avro artifact")
			} else {
				compat.ok(t)
			}
			in := `{"id":1,"total":{"units":5,"currency":"EUR"},"fee":null}` + "\n" +
				`{"id":2,"total":{"units":6,"currency":"EUR"},"fee":{"` + ns + `.Money":{"units":1,"currency":"EUR"}}}` + "\n"
			u.run("topic", "create", topic, "--partitions", "1").ok(t)
			u.runIn(in, "produce", topic, "--value-subject", subject).ok(t)
			u.runIn(in, "produce", topic, "--value-schema", payment, "--reference", ns+".Money="+money).ok(t)
			r := u.run("consume", topic, "-e", "--decode", "-o", "raw").ok(t)
			sameJSON(t, "records of a schema with a reference", lines(r.stdout), append(lines(in), lines(in)...))
		})
		t.Run("protobuf from Confluent's serializer", func(t *testing.T) {
			topic := uniqueName(t, "")
			pdir := uniqueName(t, "proto")
			pkg := strings.ReplaceAll(uniqueName(t, ""), "-", "_")
			u.writeFile(pdir+"/"+pkg+"/money.proto", []byte("syntax = \"proto3\";\npackage "+pkg+";\nmessage Money { int64 units = 1; string currency = 2; }\n"), 0o644)
			file := u.writeFile(pdir+"/payment.proto", []byte("syntax = \"proto3\";\npackage "+pkg+";\nimport \""+pkg+"/money.proto\";\nmessage Payment { int64 id = 1; Money total = 2; }\n"), 0o644)
			in := `{"id":"1","total":{"units":"5","currency":"EUR"}}` + "\n"
			u.run("topic", "create", topic, "--partitions", "1").ok(t)
			tg.py(t, in, "produce", "--topic", topic, "--type", "protobuf", "--schema", file)
			var v struct {
				References []struct{ Name, Subject string } `json:"references"`
			}
			u.run("schema", "get", topic+"-value", "-o", "json").ok(t).json(t, &v)
			if len(v.References) != 1 || v.References[0].Name != pkg+"/money.proto" {
				t.Errorf("Confluent's serializer registered %s-value with references %+v", topic, v.References)
			}
			r := u.run("consume", topic, "-e", "--decode", "-o", "raw").ok(t)
			sameJSON(t, "Python's records with an import", lines(r.stdout), lines(in))
		})
	})
}
