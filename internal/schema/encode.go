package schema

import (
	"context"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
)

// Strategy is how a subject name is made from a topic and a schema, as in
// Confluent's serializers (subject.name.strategy).
type Strategy string

// The subject name strategies.
const (
	TopicName       Strategy = "TopicName"       // <topic>-key, <topic>-value
	RecordName      Strategy = "RecordName"      // <record name>
	TopicRecordName Strategy = "TopicRecordName" // <topic>-<record name>
)

// Strategies lists the --subject-strategy values.
var Strategies = []string{string(TopicName), string(RecordName), string(TopicRecordName)}

// ParseStrategy reads a --subject-strategy value.
func ParseStrategy(s string) (Strategy, error) {
	for _, v := range Strategies {
		if strings.EqualFold(s, v) {
			return Strategy(v), nil
		}
	}
	return "", fmt.Errorf("--subject-strategy %q: use %s", s, strings.Join(Strategies, ", "))
}

// EncoderOptions say where one side's schema comes from: a local schema
// file registered under the strategy's subject (with the subjects it
// refers to), a subject (at a version) already in the registry, or, for
// records without the registry's framing (Unframed), a local schema file
// alone, with what it refers to found on disk.
type EncoderOptions struct {
	Key bool // the key side: subjects end in -key

	SchemaFile string
	SchemaType string // --schema-type; "" guesses from SchemaFile's name
	Strategy   Strategy
	References []Reference // the subjects SchemaFile refers to
	Unframed   bool        // write the encoded data alone: no registry, no framing
	Paths      []string    // Unframed: where SchemaFile's imports are found (--schema-path)

	Subject string
	Version int // -1: latest

	Message string // Protobuf: the message's full name ("": the first)
}

// Encoder turns JSON into framed bytes for one side of produced records.
type Encoder struct {
	reg  *Registry
	opts EncoderOptions

	schema *Schema   // the compiled schema, same for every topic
	file   sr.Schema // what registering SchemaFile sends
	enc    encodeFunc
	index  []int
	record string         // the record name, for the RecordName strategies
	ids    map[string]int // subject -> registered id
	fixed  int            // --subject: the id of the subject version
	what   string         // names the schema in errors
}

// NewEncoder compiles the schema (reading or fetching it) up front, so a
// wrong file or subject fails before any input is read. reg is not used
// (and may be nil) with Unframed.
func NewEncoder(ctx context.Context, reg *Registry, o EncoderOptions) (*Encoder, error) {
	e := &Encoder{reg: reg, opts: o, ids: map[string]int{}}
	side := e.side()
	var err error
	switch {
	case o.Subject != "":
		ss, err := reg.Version(ctx, o.Subject, o.Version)
		if err != nil {
			return nil, err
		}
		if e.schema, err = reg.ByID(ctx, ss.ID); err != nil {
			return nil, err
		}
		e.fixed = ss.ID
		e.what = fmt.Sprintf("schema id %d (subject %q version %d, %s)", ss.ID, o.Subject, ss.Version, typeName(ss.Type))
	case o.Unframed:
		if e.schema, err = LoadFile(o.SchemaFile, o.SchemaType, o.Paths); err != nil {
			return nil, fmt.Errorf("--%s-schema: %w", side, err)
		}
		e.what = fmt.Sprintf("the %s schema in %s", typeName(e.schema.Type), o.SchemaFile)
	default:
		f, err := ReadSchemaFile(o.SchemaFile, o.SchemaType, o.References)
		if err != nil {
			return nil, fmt.Errorf("--%s-schema: %w", side, err)
		}
		if e.file, e.schema, err = reg.Prepare(ctx, f); err != nil {
			return nil, fmt.Errorf("--%s-schema: %w", side, err)
		}
		e.what = fmt.Sprintf("the %s schema in %s", typeName(e.schema.Type), o.SchemaFile)
		if o.Strategy != TopicName {
			if e.record, err = e.schema.codec.recordName(o.Message); err != nil {
				return nil, fmt.Errorf("--subject-strategy %s: %w", o.Strategy, err)
			}
		}
	}
	if e.enc, e.index, err = e.schema.codec.encoder(o.Message); err != nil {
		return nil, fmt.Errorf("--%s: %w", map[bool]string{true: "key-proto-message", false: "proto-message"}[o.Key], err)
	}
	return e, nil
}

func (e *Encoder) side() string {
	if e.opts.Key {
		return "key"
	}
	return "value"
}

// Subject is the subject a record for topic is registered under.
func (e *Encoder) Subject(topic string) string {
	switch e.opts.Strategy {
	case RecordName:
		return e.record
	case TopicRecordName:
		return topic + "-" + e.record
	}
	return topic + "-" + e.side()
}

// Append appends the framed encoding of jsonText, a record for topic, to
// dst (with Unframed, the encoded data alone). The first record of each
// subject registers the schema file under it.
func (e *Encoder) Append(ctx context.Context, dst []byte, topic string, jsonText []byte) ([]byte, error) {
	if e.opts.Unframed {
		out, err := e.enc(dst, jsonText)
		if err != nil {
			return nil, fmt.Errorf("the %s does not fit %s: %w", e.side(), e.what, err)
		}
		return out, nil
	}
	id := e.fixed
	if id == 0 {
		subject := e.Subject(topic)
		var ok bool
		if id, ok = e.ids[subject]; !ok {
			var err error
			id, err = e.reg.Register(ctx, subject, e.file)
			if err != nil {
				return nil, err
			}
			e.ids[subject] = id
		}
	}
	out, _ := header.AppendEncode(dst, id, e.index)
	out, err := e.enc(out, jsonText)
	if err != nil {
		return nil, fmt.Errorf("the %s does not fit %s: %w", e.side(), e.what, err)
	}
	return out, nil
}
