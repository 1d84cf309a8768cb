package dlq

import (
	"encoding/json"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/record"
)

// Entry is one DLQ record with its decoded metadata, as `dlq inspect`
// shows it. The json/yaml names are a public contract.
type Entry struct {
	Record Envelope `json:"record" yaml:"record"`
	// InDLQSeconds is now minus the DLQ record's timestamp. DLQs that keep
	// the original timestamp (Kafka Connect's) make this the record's age.
	InDLQSeconds float64  `json:"in_dlq_seconds" yaml:"in_dlq_seconds"`
	DLQ          Metadata `json:"dlq" yaml:"dlq"`
}

// Envelope is the record envelope (envelope.Append) as a struct, so
// that yaml output shows the same fields json does.
type Envelope struct {
	Topic         string           `json:"topic" yaml:"topic"`
	Partition     int32            `json:"partition" yaml:"partition"`
	Offset        int64            `json:"offset" yaml:"offset"`
	Timestamp     any              `json:"timestamp" yaml:"timestamp"` // RFC 3339, or epoch ms out of its range
	TimestampType string           `json:"timestamp_type" yaml:"timestamp_type"`
	Key           *string          `json:"key" yaml:"key"`
	KeyEncoding   string           `json:"key_encoding,omitempty" yaml:"key_encoding,omitempty"`
	Value         *string          `json:"value" yaml:"value"`
	ValueEncoding string           `json:"value_encoding,omitempty" yaml:"value_encoding,omitempty"`
	Headers       []EnvelopeHeader `json:"headers" yaml:"headers"`
	// With --decode (envelope.Options.Decoded).
	KeySchemaID   *int     `json:"key_schema_id,omitempty" yaml:"key_schema_id,omitempty"`
	KeyDecoded    *RawJSON `json:"key_decoded,omitempty" yaml:"key_decoded,omitempty"`
	ValueSchemaID *int     `json:"value_schema_id,omitempty" yaml:"value_schema_id,omitempty"`
	ValueDecoded  *RawJSON `json:"value_decoded,omitempty" yaml:"value_decoded,omitempty"`
}

// RawJSON is a decoded value kept as its JSON text, so that json output
// keeps its field order, and shown as the same structure in yaml.
type RawJSON json.RawMessage

// MarshalJSON implements json.Marshaler.
func (r RawJSON) MarshalJSON() ([]byte, error) { return r, nil }

// UnmarshalJSON implements json.Unmarshaler.
func (r *RawJSON) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

// MarshalYAML implements yaml.Marshaler: JSON is YAML, so the node keeps
// the order too.
func (r RawJSON) MarshalYAML() (any, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(r, &n); err != nil {
		return nil, err
	}
	blockStyle(n.Content[0])
	return n.Content[0], nil
}

// blockStyle drops the styles the JSON text parsed with (flow {...} and
// [...], double quotes), so the value reads like the rest of the YAML; the
// encoder still quotes a string that would read as something else.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// EnvelopeHeader is one header of an Envelope.
type EnvelopeHeader struct {
	Key         string  `json:"key" yaml:"key"`
	KeyEncoding string  `json:"key_encoding,omitempty" yaml:"key_encoding,omitempty"`
	Value       *string `json:"value" yaml:"value"`
	Encoding    string  `json:"encoding,omitempty" yaml:"encoding,omitempty"`
}

// NewEntry describes rec, decoded as m, at time now, its envelope written
// with eo. The stack trace is kept only when asked: it is long.
func NewEntry(rec *record.Record, m *Metadata, now time.Time, stacktrace bool, eo envelope.Options) Entry {
	e := Entry{DLQ: *m, InDLQSeconds: max(0, now.Sub(rec.Timestamp).Seconds())}
	if !stacktrace {
		e.DLQ.Stacktrace = ""
	}
	// The envelope codec decides text vs base64 once, for every output.
	_ = json.Unmarshal(envelope.Append(nil, rec, eo), &e.Record)
	if e.Record.Headers == nil {
		e.Record.Headers = []EnvelopeHeader{}
	}
	return e
}
