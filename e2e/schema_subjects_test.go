//go:build e2e

package e2e

import (
	"fmt"
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

