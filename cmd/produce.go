package cmd

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/schema"
)

// ProduceOptions are the inputs of `streamctl produce`.
type ProduceOptions struct {
	Topic           string
	File            string
	Format          string
	Partition       int32
	partitionSet    bool
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
	fixedKeySet  bool
	HeaderFlags  []string
	EmptyIsNull  bool

	// Schema registry encoding: JSON input to framed Avro, Protobuf or
	// JSON Schema records.
	Value, Key      schemaSide
	SchemaType      string
	SubjectStrategy string

	text format.TextOptions
}

// schemaSide is where one side's schema comes from: --value-schema FILE or
// --value-subject S [--schema-version N] (and the --key- ones).
type schemaSide struct {
	File, Subject, Message string
	Version                int
}

func (s *schemaSide) on() bool { return s.File != "" || s.Subject != "" }

func newProduceCmd(f *cmdutil.Factory) *cobra.Command {
	opts := &ProduceOptions{}
	cmd := &cobra.Command{
		Use:   "produce [TOPIC]",
		Short: "Write records from stdin or a file to a topic",
		Long: `Write records read from stdin (or --file) to a topic, and report on stderr how
many were delivered and failed. Each record is confirmed by the brokers
(acks=all, idempotent producer by default) before it counts as delivered.

Input formats:
  --format text (default)  one value per line; Kafka console-producer options
                           (--parse-key, --key-separator, --parse-headers,
                           --null-marker) and kcat's (-K, -k, -H, -Z)
  --format json            the record envelope "consume -o json" writes: topic,
                           partition, key, value, headers and timestamp are
                           honoured, so records round-trip byte for byte. TOPIC
                           and --partition override the envelope's.
  --format raw             the whole input as one record's value

Schema registry encoding: --value-schema FILE (.avsc, .proto or .json, a
JSON Schema) registers the schema under the subject --subject-strategy
names (TopicName: TOPIC-value) and encodes each value, read as JSON, with
it, in the wire format Confluent's serializers write; --value-subject S
uses the latest (or --schema-version N) schema of a subject already in the
registry. The --key- flags do the same for keys. Avro takes its JSON
encoding (what consume --decode writes) or plain values for unions;
Protobuf takes the proto3 JSON mapping, the file's first message unless
--proto-message names one. A value that does not fit the schema is a
malformed line.

A malformed line stops the run with an error naming its line number, unless
--skip-invalid counts it and goes on. If any record fails delivery the exit
code is 4, with the count. --transactional-id writes everything in one
transaction: all or nothing.

Records go out in batches: while input keeps coming, a record waits up to
100 ms for others to share its request (librdkafka's linger.ms; -X
linger.ms=N changes it). The end of input sends at once.`,
		Example: `  echo '{"orderId":1}' | streamctl produce order-events
  streamctl produce order-events --parse-key < key-tab-value.txt
  streamctl produce order-events -K: -H source=script < lines.txt
  streamctl consume order-events -e -o json | streamctl produce order-events-copy --format json
  streamctl produce blobs --format raw --file picture.png -k picture-1
  echo '{"id":1,"amount":9.5}' | streamctl produce payments-avro --value-schema payment.avsc
  streamctl produce payments-avro --value-subject payments-avro-value --schema-version 2 < payments.jsonl`,
		Args: cmdutil.RangeArgs(0, 1, "TOPIC"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Topic = args[0]
			}
			opts.partitionSet = cmd.Flags().Changed("partition")
			opts.fixedKeySet = cmd.Flags().Changed("key")
			if err := opts.validate(); err != nil {
				return err
			}
			return produceRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: cmdutil.CompleteTopics(f),
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.File, "file", "", "read from this file instead of stdin")
	fl.StringVar(&opts.Format, "format", "text", "input format: text, json or raw")
	fl.Int32Var(&opts.Partition, "partition", -1, "write every record to this partition (-1: the partitioner chooses)")
	fl.StringVar(&opts.Partitioner, "partitioner", "murmur2_random", "partitioner for keyed records: murmur2_random (Java client compatible), murmur2, consistent_random, random, fnv1a_random")
	fl.StringVar(&opts.Acks, "acks", "all", "acknowledgements to wait for: all, 1 or 0 (all is required when idempotent)")
	fl.StringVar(&opts.Compression, "compression", "none", "compression: none, gzip, snappy, lz4, zstd")
	fl.Float64Var(&opts.Rate, "rate", 0, "at most this many records per second (0: as fast as possible)")
	fl.BoolVar(&opts.Idempotent, "idempotent", true, "idempotent producer: no duplicates or reordering on retries")
	fl.StringVar(&opts.TransactionalID, "transactional-id", "", "write all records in one transaction with this id (all or nothing)")
	fl.BoolVar(&opts.SkipInvalid, "skip-invalid", false, "count malformed lines as warnings instead of stopping")
	fl.BoolVar(&opts.ParseKey, "parse-key", false, "text: each line is key, separator, value")
	fl.StringVar(&opts.KeySeparator, "key-separator", "\t", "text: separator between key and value")
	fl.BoolVar(&opts.ParseHeaders, "parse-headers", false, "text: each line starts with headers k:v,k:v then a delimiter")
	fl.StringVar(&opts.HeadersDelimiter, "headers-delimiter", "\t", "text: delimiter after the headers")
	fl.StringVar(&opts.HeadersSeparator, "headers-separator", ",", "text: separator between headers")
	fl.StringVar(&opts.HeadersKeySeparator, "headers-key-separator", ":", "text: separator between a header's key and value")
	fl.StringVar(&opts.NullMarker, "null-marker", "", "text: a key, value or header value equal to this is null")
	fl.StringVarP(&opts.KcatKeyDelim, "key-delimiter", "K", "", "text (kcat -K): split each line into key and value at the first DELIM")
	fl.StringVarP(&opts.FixedKey, "key", "k", "", "the key of every record (kcat -k)")
	fl.StringArrayVarP(&opts.HeaderFlags, "header", "H", nil, "header name=value on every record, repeatable (kcat -H)")
	fl.BoolVarP(&opts.EmptyIsNull, "empty-null", "Z", false, "text: an empty value (or key) is null (kcat -Z)")
	fl.StringVar(&opts.Value.File, "value-schema", "", "encode values (JSON) with this schema file, registering it (.avsc, .proto, .json)")
	fl.StringVar(&opts.Value.Subject, "value-subject", "", "encode values (JSON) with the schema of this registry subject")
	fl.IntVar(&opts.Value.Version, "schema-version", -1, "with --value-subject: this version instead of the latest")
	fl.StringVar(&opts.Value.Message, "proto-message", "", "Protobuf values: the message's full name (default: the schema's first)")
	fl.StringVar(&opts.Key.File, "key-schema", "", "encode keys (JSON) with this schema file, registering it")
	fl.StringVar(&opts.Key.Subject, "key-subject", "", "encode keys (JSON) with the schema of this registry subject")
	fl.IntVar(&opts.Key.Version, "key-schema-version", -1, "with --key-subject: this version instead of the latest")
	fl.StringVar(&opts.Key.Message, "key-proto-message", "", "Protobuf keys: the message's full name (default: the schema's first)")
	fl.StringVar(&opts.SchemaType, "schema-type", "", "type of the --value-schema/--key-schema files when their names do not say: avro, protobuf or json")
	fl.StringVar(&opts.SubjectStrategy, "subject-strategy", string(schema.TopicName), "subject for schema files: TopicName (TOPIC-value), RecordName (the record's full name) or TopicRecordName")
	cmdutil.AddRegistryFlag(cmd, f)
	_ = cmd.RegisterFlagCompletionFunc("schema-type", cobra.FixedCompletions(schema.TypeNames, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("subject-strategy", cobra.FixedCompletions(schema.Strategies, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "raw"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("compression", cobra.FixedCompletions([]string{"none", "gzip", "snappy", "lz4", "zstd"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (o *ProduceOptions) validate() error {
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
	o.text = format.TextOptions{
		ParseKey: o.ParseKey, KeySeparator: o.KeySeparator,
		ParseHeaders: o.ParseHeaders, HeadersDelimiter: o.HeadersDelimiter,
		HeadersSeparator: o.HeadersSeparator, HeadersKeySeparator: o.HeadersKeySeparator,
		NullMarker: o.NullMarker, EmptyIsNull: o.EmptyIsNull,
	}
	if o.KcatKeyDelim != "" {
		delim, err := kcatDelim(o.KcatKeyDelim)
		if err != nil {
			return exitcode.UsageError("-K %q: %v", o.KcatKeyDelim, err)
		}
		o.text.ParseKey, o.text.KeySeparator = true, delim
	}
	if o.fixedKeySet {
		o.text.FixedKey = []byte(o.FixedKey)
	}
	for _, h := range o.HeaderFlags {
		hdr, err := format.ParseHeaderFlag(h)
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
		s    *schemaSide
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
	}
	if _, err := schema.ParseStrategy(o.SubjectStrategy); err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	if o.SchemaType != "" {
		if _, err := schema.ParseType(o.SchemaType); err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
	}
	return nil
}

func produceRun(ctx context.Context, f *cmdutil.Factory, opts *ProduceOptions) error {
	defer cmdutil.StreamingGC()()
	in := f.IO.In
	if opts.File != "" {
		file, err := os.Open(opts.File)
		if err != nil {
			return err
		}
		defer file.Close()
		in = file
	}
	client, err := f.Client()
	if err != nil {
		return err
	}
	if opts.Topic != "" {
		// Fail on a misspelt topic before reading any input.
		if _, err := client.Partitions(ctx, []string{opts.Topic}); err != nil {
			return err
		}
	}
	compression := opts.Compression
	if compression == "none" {
		compression = ""
	}
	enc, err := produceEncoders(ctx, f, opts)
	if err != nil {
		return err
	}
	w, err := client.NewWriter(ctx, kafka.WriterOptions{
		Acks: opts.Acks, Compression: compression, Idempotent: opts.Idempotent,
		TransactionalID: opts.TransactionalID, Partitioner: opts.Partitioner,
	})
	if err != nil {
		return err
	}
	defer w.Close()

	var limiter *rate.Limiter
	if opts.Rate > 0 {
		limiter = rate.NewLimiter(rate.Limit(opts.Rate), max(1, int(opts.Rate/10)))
	}
	invalid, readErr := produceInput(ctx, f, opts, in, w, limiter, enc)
	if readErr != nil {
		_ = w.Abort(ctx)
	}
	flushErr := w.Flush(ctx)
	st := w.Stats()
	summary := fmt.Sprintf("%d records delivered, %d failed", st.Delivered, st.Failed)
	if invalid > 0 {
		summary += fmt.Sprintf(", %d invalid lines skipped", invalid)
	}
	f.IO.Infof("%s.", summary)
	switch {
	case readErr != nil:
		return readErr
	case st.Failed > 0:
		return exitcode.WithCode(exitcode.Partial, fmt.Errorf("%d records failed delivery: %w", st.Failed, w.Err()))
	case flushErr != nil:
		return flushErr
	}
	return ctx.Err()
}

// produceInput reads the input and hands each record to the writer. It
// returns how many invalid lines were skipped.
func produceInput(ctx context.Context, f *cmdutil.Factory, opts *ProduceOptions, in io.Reader, w *kafka.Writer, limiter *rate.Limiter, enc *recordEncoder) (int, error) {
	write := func(rec *kafka.Record) error {
		if opts.Topic != "" {
			rec.Topic = opts.Topic
		}
		if opts.partitionSet {
			rec.Partition = opts.Partition
		}
		if limiter != nil {
			if limiter.Tokens() < 1 {
				// About to wait for --rate: what is batched goes to the
				// producer first, rather than when a batch fills.
				if err := w.SendBatched(ctx); err != nil {
					return err
				}
			}
			if err := limiter.Wait(ctx); err != nil {
				return err
			}
		}
		return w.Write(ctx, rec, nil)
	}
	if opts.Format == "raw" {
		value, err := io.ReadAll(in)
		if err != nil {
			return 0, err
		}
		rec := kafka.Record{Partition: kafka.AnyPartition, Value: value, Key: opts.text.FixedKey, Headers: opts.text.Headers}
		if err := enc.encode(ctx, &rec, opts.Topic); err != nil {
			return 0, err
		}
		return 0, write(&rec)
	}
	r := bufio.NewReaderSize(in, 1<<20)
	// With no key, header or null parsing a text line's value is the line
	// itself. ParseTextLine copies it, for callers that keep the record;
	// Write copies the bytes into librdkafka anyway, so the value can point
	// into the read buffer: one allocation less per line, about 10% of
	// produce's CPU.
	t := &opts.text
	plainText := opts.Format == "text" && !t.ParseKey && !t.ParseHeaders && t.NullMarker == "" && !t.EmptyIsNull
	invalid := 0
	var long []byte
	for lineNo := 1; ; lineNo++ {
		if err := ctx.Err(); err != nil {
			return invalid, err
		}
		if err := w.Err(); err != nil && opts.TransactionalID != "" {
			return invalid, err // the transaction is lost already
		}
		if r.Buffered() < 4096 && !lineBuffered(r) {
			// The next read may wait for input (tail -f | produce): the
			// lines read so far go to the producer first, not when a batch
			// fills. (Looking for a whole line only near the end of what is
			// buffered: the scan costs a few percent of produce's CPU when
			// done for every line of a file.)
			if err := w.SendBatched(ctx); err != nil {
				return invalid, err
			}
		}
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) { // a line longer than the buffer
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = r.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(line) == 0 && err != nil {
			if err == io.EOF {
				return invalid, nil
			}
			return invalid, err
		}
		var rec kafka.Record
		var perr error
		switch {
		case opts.Format == "json":
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			if rec, perr = format.ParseEnvelope(line); perr != nil {
				perr = fmt.Errorf("line %d: %w", lineNo, perr)
			} else if rec.Topic == "" && opts.Topic == "" {
				perr = fmt.Errorf("line %d: the envelope has no topic; name a TOPIC argument", lineNo)
			}
		case plainText:
			value := bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
			rec = kafka.Record{Partition: kafka.AnyPartition, Key: t.FixedKey, Value: value, Headers: t.Headers[:len(t.Headers):len(t.Headers)]}
		default:
			rec, perr = format.ParseTextLine(line, lineNo, t)
		}
		if perr == nil {
			if err := enc.encode(ctx, &rec, cmp.Or(opts.Topic, rec.Topic)); err != nil {
				if errors.As(err, new(*schema.Error)) {
					return invalid, err // the registry, not the line: skipping cannot help
				}
				perr = fmt.Errorf("line %d (topic %s): %w", lineNo, cmp.Or(opts.Topic, rec.Topic), err)
			}
		}
		if perr != nil {
			if !opts.SkipInvalid {
				return invalid, perr
			}
			invalid++
			f.IO.Warnf("%v (skipped)", perr)
			continue
		}
		if err := write(&rec); err != nil {
			return invalid, err
		}
	}
}

// recordEncoder encodes the JSON keys and values of produced records with
// schemas from the registry; a nil one leaves records as they are.
type recordEncoder struct {
	key, value *schema.Encoder
	// Write copies each record into the producer's batch, so one buffer
	// per side serves every record.
	keyBuf, valueBuf []byte
}

func produceEncoders(ctx context.Context, f *cmdutil.Factory, opts *ProduceOptions) (*recordEncoder, error) {
	if !opts.Value.on() && !opts.Key.on() {
		return nil, nil
	}
	reg, err := f.Registry()
	if err != nil {
		return nil, err
	}
	strategy, _ := schema.ParseStrategy(opts.SubjectStrategy)
	e := &recordEncoder{}
	for _, side := range []struct {
		s   *schemaSide
		key bool
		out **schema.Encoder
	}{{&opts.Value, false, &e.value}, {&opts.Key, true, &e.key}} {
		if !side.s.on() {
			continue
		}
		if *side.out, err = schema.NewEncoder(ctx, reg, schema.EncoderOptions{
			Key: side.key, SchemaFile: side.s.File, SchemaType: opts.SchemaType, Strategy: strategy,
			Subject: side.s.Subject, Version: side.s.Version, Message: side.s.Message,
		}); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// encode replaces rec's JSON key and value by their framed encodings. Null
// stays null: a tombstone has no schema.
func (e *recordEncoder) encode(ctx context.Context, rec *kafka.Record, topic string) error {
	if e == nil {
		return nil
	}
	var err error
	if e.key != nil && rec.Key != nil {
		if e.keyBuf, err = e.key.Append(ctx, e.keyBuf[:0], topic, rec.Key); err != nil {
			return err
		}
		rec.Key = e.keyBuf
	}
	if e.value != nil && rec.Value != nil {
		if e.valueBuf, err = e.value.Append(ctx, e.valueBuf[:0], topic, rec.Value); err != nil {
			return err
		}
		rec.Value = e.valueBuf
	}
	return nil
}

// kcatDelim reads a delimiter as kcat's -K and -D do: \t, \n, \r and \xNN
// stand for the byte, so scripts written for kcat (-K '\t') carry over.
func kcatDelim(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		case 'x':
			if i+2 >= len(s) {
				return "", fmt.Errorf("\\x needs two hex digits")
			}
			n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", fmt.Errorf("\\x needs two hex digits")
			}
			b.WriteByte(byte(n))
			i += 2
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), nil
}

// lineBuffered reports whether r holds a whole line, so reading it will not
// wait for input.
func lineBuffered(r *bufio.Reader) bool {
	b, _ := r.Peek(r.Buffered())
	return bytes.IndexByte(b, '\n') >= 0
}
