package produce

import (
	"slices"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/schema"
	"github.com/streamctl/streamctl/internal/textio"
)

// Request is a produce as asked for (`streamctl produce`'s flags): Check
// refuses what does not go together, Options turns it into what Run
// takes.
type Request struct {
	Topic           string
	File            string
	Format          string
	Partition       int32
	PartitionSet    bool
	Partitioner     string
	Acks            string
	Compression     string
	Rate            float64
	Idempotent      bool
	TransactionalID string
	SkipInvalid     bool

	// Text format, console-producer style.
	ParseKey            bool
	KeySeparator        string
	ParseHeaders        bool
	HeadersDelimiter    string
	HeadersSeparator    string
	HeadersKeySeparator string
	NullMarker          string
	// Text format, kcat style.
	KcatKeyDelim string
	FixedKey     string
	FixedKeySet  bool
	HeaderFlags  []string
	EmptyIsNull  bool

	// Schema registry encoding: JSON input to framed Avro, Protobuf or
	// JSON Schema records.
	Value, Key      SchemaSide
	SchemaType      string
	SubjectStrategy string
	Unframed        bool     // no registry: the encoded data alone
	SchemaPaths     []string // with Unframed: where imports are found

	text textio.LineOptions
}

// SchemaSide is where one side's schema comes from: --value-schema FILE or
// --value-subject S [--schema-version N] (and the --key- ones).
type SchemaSide struct {
	File, Subject, Message string
	Version                int
	RefSpecs               []string // --reference NAME=SUBJECT[:VERSION]
}

func (s *SchemaSide) on() bool { return s.File != "" || s.Subject != "" }

// CompressionCodecs are Kafka's compression.type values (librdkafka's too).
var CompressionCodecs = []string{"none", "gzip", "snappy", "lz4", "zstd"}

// Check refuses a request whose flags do not go together, with usage
// errors that name the flags.
func (o *Request) Check() error {
	switch o.Format {
	case "text", "json", "raw":
	default:
		return exitcode.UsageError("--format %q: use text, json or raw", o.Format)
	}
	if o.Topic == "" && o.Format != "json" {
		return exitcode.UsageError("name the TOPIC to write to (only --format json can take topics from the input)")
	}
	if o.Idempotent && o.Acks != "all" && o.Acks != "-1" {
		return exitcode.UsageError("--acks %s needs --idempotent=false: the idempotent producer requires acks=all", o.Acks)
	}
	if o.Rate < 0 {
		return exitcode.UsageError("--rate must not be negative")
	}
	if !slices.Contains(CompressionCodecs, o.Compression) {
		return exitcode.UsageError("--compression %q: use %s", o.Compression, strings.Join(CompressionCodecs, ", "))
	}
	if o.Format != "text" {
		// These shape text lines; with json or raw input they would be ignored.
		for _, f := range []struct {
			name string
			set  bool
		}{{"--parse-key", o.ParseKey}, {"-K", o.KcatKeyDelim != ""}, {"--parse-headers", o.ParseHeaders}, {"--null-marker", o.NullMarker != ""}, {"--empty-null", o.EmptyIsNull}} {
			if f.set {
				return exitcode.UsageError("%s reads text lines; it does not apply to --format %s", f.name, o.Format)
			}
		}
	}
	o.text = textio.LineOptions{
		ParseKey: o.ParseKey, KeySeparator: o.KeySeparator,
		ParseHeaders: o.ParseHeaders, HeadersDelimiter: o.HeadersDelimiter,
		HeadersSeparator: o.HeadersSeparator, HeadersKeySeparator: o.HeadersKeySeparator,
		NullMarker: o.NullMarker, EmptyIsNull: o.EmptyIsNull,
	}
	if o.KcatKeyDelim != "" {
		delim, err := textio.KcatDelim(o.KcatKeyDelim)
		if err != nil {
			return exitcode.UsageError("-K %q: %v", o.KcatKeyDelim, err)
		}
		o.text.ParseKey, o.text.KeySeparator = true, delim
	}
	if o.FixedKeySet {
		o.text.FixedKey = []byte(o.FixedKey)
	}
	for _, h := range o.HeaderFlags {
		hdr, err := textio.ParseHeaderFlag(h)
		if err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
		o.text.Headers = append(o.text.Headers, hdr)
	}
	if err := o.text.Validate(); err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	for _, side := range []struct {
		name string
		s    *SchemaSide
	}{{"value", &o.Value}, {"key", &o.Key}} {
		s := side.s
		if s.File != "" && s.Subject != "" {
			return exitcode.UsageError("give --%s-schema FILE or --%s-subject SUBJECT, not both", side.name, side.name)
		}
		if s.Version != -1 && s.Subject == "" {
			return exitcode.UsageError("a schema version needs --%s-subject", side.name)
		}
		if s.Message != "" && !s.on() {
			return exitcode.UsageError("a Protobuf message name needs --%s-schema or --%s-subject", side.name, side.name)
		}
		if len(s.RefSpecs) > 0 && (s.File == "" || o.Unframed) {
			return exitcode.UsageError("references (--%s) go with a --%s-schema file that is registered, not with --unframed (which finds them on disk: --schema-path)",
				map[string]string{"value": "reference", "key": "key-reference"}[side.name], side.name)
		}
		if _, err := schema.ParseReferences(s.RefSpecs); err != nil {
			return err
		}
		if o.Unframed && s.Subject != "" {
			return exitcode.UsageError("--unframed writes without the registry: give --%s-schema FILE, not --%s-subject", side.name, side.name)
		}
	}
	if st, err := schema.ParseStrategy(o.SubjectStrategy); err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	} else if o.Unframed && st != schema.TopicName {
		return exitcode.UsageError("--subject-strategy names the registry subject of a schema file; --unframed registers nothing")
	}
	return schema.CheckLocalFlags(o.Value.File != "" || o.Key.File != "", o.SchemaType, o.SchemaPaths, o.Unframed)
}

// Options turns a checked request into Run's Options; stopWait bounds the
// wait for records in flight after Ctrl-C.
func (o *Request) Options(stopWait time.Duration) Options {
	po := Options{
		Topic: o.Topic, Partition: record.AnyPartition, Format: o.Format, Text: o.text,
		File: o.File, SkipInvalid: o.SkipInvalid, Rate: o.Rate, StopWait: stopWait,
		Writer: kafka.WriterOptions{
			Acks: o.Acks, Idempotent: o.Idempotent, TransactionalID: o.TransactionalID, Partitioner: o.Partitioner,
		},
	}
	if o.PartitionSet {
		po.Partition = o.Partition
	}
	if o.Compression != "none" {
		po.Writer.Compression = o.Compression
	}
	strategy, _ := schema.ParseStrategy(o.SubjectStrategy)
	for _, side := range []struct {
		s   *SchemaSide
		key bool
		out **schema.EncoderOptions
	}{{&o.Value, false, &po.Value}, {&o.Key, true, &po.Key}} {
		if !side.s.on() {
			continue
		}
		refs, _ := schema.ParseReferences(side.s.RefSpecs)
		*side.out = &schema.EncoderOptions{
			Key: side.key, SchemaFile: side.s.File, SchemaType: o.SchemaType, Strategy: strategy,
			Subject: side.s.Subject, Version: side.s.Version, Message: side.s.Message,
			References: refs, Unframed: o.Unframed, Paths: o.SchemaPaths,
		}
	}
	return po
}
