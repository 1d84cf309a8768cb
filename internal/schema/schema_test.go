package schema

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/streamctl/streamctl/internal/config"
)

// fakeRegistry is an in-process registry speaking the Confluent REST API,
// counting GET /schemas/ids/{id} requests.
func fakeRegistry(t *testing.T) (*Registry, *srfake.Registry, *atomic.Int64) {
	t.Helper()
	var byID atomic.Int64
	fake := srfake.New()
	fake.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/schemas/ids/") {
			byID.Add(1)
		}
		return false
	})
	t.Cleanup(fake.Close)
	reg, err := Connect(&config.Registry{URL: fake.URL(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return reg, fake, &byID
}

const orderAvro = `{"type":"record","name":"Order","namespace":"shop","fields":[
 {"name":"id","type":"long"},
 {"name":"customer","type":["null","string"],"default":null},
 {"name":"amount","type":"double"},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}},
 {"name":"tags","type":{"type":"array","items":"string"}},
 {"name":"raw","type":"bytes"}]}`

const orderProto = `syntax = "proto3";
package shop;
message Order {
  int64 id = 1;
  string customer = 2;
  double amount = 3;
  repeated string tags = 4;
  message Line { string sku = 1; int32 qty = 2; }
  repeated Line lines = 5;
}
message Refund { int64 order_id = 1; }
`

const orderJSONSchema = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"shop.Order","type":"object",
 "properties":{"id":{"type":"integer"},"amount":{"type":"number"}},"required":["id","amount"]}`

func writeFile(t *testing.T, name, text string) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Each type: JSON in, framed bytes out, and back to the same JSON; the
// schema file is registered under the TopicName subject once.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name, file, text, message, in, want string
	}{
		{"avro", "order.avsc", orderAvro, "",
			`{"id":17,"customer":{"string":"ann"},"amount":9.5,"status":"PAID","tags":["a","b"],"raw":"\u0000\u00ff"}`,
			`{"id":17,"customer":{"string":"ann"},"amount":9.5,"status":"PAID","tags":["a","b"],"raw":"\u0000\u00ff"}`},
		{"avro bare union in", "order.avsc", orderAvro, "",
			`{"id":1,"customer":"bob","amount":1,"status":"NEW","tags":[],"raw":""}`,
			`{"id":1,"customer":{"string":"bob"},"amount":1,"status":"NEW","tags":[],"raw":""}`},
		{"protobuf first message", "order.proto", orderProto, "",
			`{"id":"17","customer":"ann","amount":9.5,"tags":["a"],"lines":[{"sku":"x","qty":2}]}`,
			`{"id":"17","customer":"ann","amount":9.5,"tags":["a"],"lines":[{"sku":"x","qty":2}]}`},
		{"protobuf second message", "order.proto", orderProto, "shop.Refund",
			`{"orderId":"5"}`, `{"orderId":"5"}`},
		{"protobuf nested message", "order.proto", orderProto, "shop.Order.Line",
			`{"sku":"y","qty":3}`, `{"sku":"y","qty":3}`},
		{"json schema", "order.json", orderJSONSchema, "",
			`{ "id": 3, "amount": 2.25 }`, `{"id":3,"amount":2.25}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reg, _, _ := fakeRegistry(t)
			enc, err := NewEncoder(ctx, reg, EncoderOptions{SchemaFile: writeFile(t, tt.file, tt.text), Strategy: TopicName, Message: tt.message, Version: -1})
			if err != nil {
				t.Fatal(err)
			}
			framed, err := enc.Append(ctx, nil, "orders", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if framed[0] != 0 {
				t.Fatalf("no magic byte: % x", framed[:8])
			}
			id, js, err := reg.AppendJSON(ctx, nil, framed)
			if err != nil {
				t.Fatal(err)
			}
			if string(js) != tt.want {
				t.Errorf("decoded\n got %s\nwant %s", js, tt.want)
			}
			subjects, err := reg.Client().Subjects(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(subjects) != 1 || subjects[0] != "orders-value" {
				t.Errorf("subjects = %v, want [orders-value]", subjects)
			}
			if id < 1 {
				t.Errorf("id = %d", id)
			}
		})
	}
}
