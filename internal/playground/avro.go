package playground

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/schema"
)

// The Avro side of the demo: order-events-avro carries the order events of
// order-events as Avro records framed for the schema registry (what a
// Confluent KafkaAvroSerializer writes), keyed by the same plain order ids.
const (
	AvroOrdersSubject  = AvroOrdersTopic + "-value"
	AvroOrdersSchemaID = 1
	AvroOrdersSchema   = `{"type":"record","name":"OrderEvent","namespace":"com.example.orders","fields":[` +
		`{"name":"type","type":{"type":"enum","name":"OrderEventType","symbols":["OrderCreated","OrderPaid","OrderShipped"]}},` +
		`{"name":"orderId","type":"string"},` +
		`{"name":"customerId","type":"string"},` +
		`{"name":"amount","type":["null","double"],"default":null},` +
		`{"name":"carrier","type":["null","string"],"default":null},` +
		`{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}]}`
)

// seedSchemas registers the demo schema with its fixed id, so records
// seeded into a persisted playground decode after a restart.
func seedSchemas(fake *srfake.Registry) {
	fake.SeedSchema(AvroOrdersSubject, 1, AvroOrdersSchemaID, sr.Schema{Schema: AvroOrdersSchema, Type: sr.TypeAvro})
}

// avroOrderEvents re-encodes the JSON order events as Avro.
func avroOrderEvents(orders []record.Record) ([]record.Record, error) {
	s, err := schema.Compile(sr.TypeAvro, AvroOrdersSchema)
	if err != nil {
		return nil, err
	}
	out := make([]record.Record, 0, len(orders))
	for _, r := range orders {
		var e orderEvent
		if err := json.Unmarshal(r.Value, &e); err != nil {
			return nil, err
		}
		at, err := time.Parse(time.RFC3339, e.At)
		if err != nil {
			return nil, err
		}
		avroJSON := map[string]any{"type": e.Type, "orderId": e.OrderID, "customerId": e.CustomerID,
			"amount": nil, "carrier": nil, "at": at.UnixMilli()}
		if e.Amount != 0 {
			avroJSON["amount"] = map[string]any{"double": e.Amount}
		}
		if e.Carrier != "" {
			avroJSON["carrier"] = map[string]any{"string": e.Carrier}
		}
		text, err := json.Marshal(avroJSON)
		if err != nil {
			return nil, err
		}
		value, err := s.AppendFramed(nil, AvroOrdersSchemaID, "", text)
		if err != nil {
			return nil, fmt.Errorf("encoding the Avro demo records: %w", err)
		}
		out = append(out, record.Record{Topic: AvroOrdersTopic, Partition: record.AnyPartition, Key: r.Key, Value: value, Timestamp: r.Timestamp})
	}
	return out, nil
}
