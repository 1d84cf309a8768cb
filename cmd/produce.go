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
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/schema"
	"github.com/streamctl/streamctl/internal/textio"
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
	Unframed        bool     // no registry: the encoded data alone
	SchemaPaths     []string // with Unframed: where imports are found

	text textio.LineOptions
}

// schemaSide is where one side's schema comes from: --value-schema FILE or
// --value-subject S [--schema-version N] (and the --key- ones).
type schemaSide struct {
	File, Subject, Message string
	Version                int
	RefSpecs               []string // --reference NAME=SUBJECT[:VERSION]
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
malformed line. A schema file that uses types kept under other subjects
names them with --reference NAME=SUBJECT[:VERSION] (--key-reference).
--unframed writes the encoded data alone, for topics whose consumers know
the schema: no registry is used, and the file's Protobuf imports and Avro
types are found on disk (its directory, then --schema-path DIR).

A malformed line stops the run with an error naming its line number, unless
--skip-invalid counts it and goes on; so does an envelope naming a topic or
partition that does not exist. A run that stops early (such a line, a
record the producer refuses, Ctrl-C) first waits for the records already
sent, then says exactly how many were delivered and from which input line
to resume. Exit codes: 4 when some records failed delivery or were
delivered before the stop (partial), 1 when the first line already stopped
it, 130 after Ctrl-C. --transactional-id writes everything in one
transaction: all or nothing.

On a terminal, stderr shows progress: of the file's bytes with --file, else
a count of records (not while the input is typed).

Records go out in batches: while input keeps coming, a record waits up to
100 ms for others to share its request (librdkafka's linger.ms; -X
linger.ms=N changes it). The end of input sends at once.`,
		Example: `  echo '{"orderId":1}' | streamctl produce order-events
  streamctl produce order-events --parse-key < key-tab-value.txt
  streamctl produce order-events -K: -H source=script < lines.txt
  streamctl consume order-events -e -o json | streamctl produce order-events-copy --format json
  streamctl produce blobs --format raw --file picture.png -k picture-1
  echo '{"id":1,"amount":9.5}' | streamctl produce payments-avro --value-schema payment.avsc
  streamctl produce payments-avro --value-subject payments-avro-value --schema-version 2 < payments.jsonl
  streamctl produce raw-orders --value-schema order.proto --proto-message shop.Order --unframed < orders.jsonl`,
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
	fl.StringVar(&opts.Compression, "compression", "none", "compression: "+strings.Join(compressionCodecs, ", "))
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
	fl.StringVar(&opts.Value.File, "value-schema", "", "encode values (JSON) with this schema file (.avsc, .proto, .json), registering it unless --unframed")
	fl.StringVar(&opts.Value.Subject, "value-subject", "", "encode values (JSON) with the schema of this registry subject")
	fl.IntVar(&opts.Value.Version, "schema-version", -1, "with --value-subject: this version instead of the latest")
	fl.StringVar(&opts.Value.Message, "proto-message", "", "Protobuf values: the message's full name (default: the schema's first)")
	fl.StringVar(&opts.Key.File, "key-schema", "", "encode keys (JSON) with this schema file, registering it unless --unframed")
	fl.StringVar(&opts.Key.Subject, "key-subject", "", "encode keys (JSON) with the schema of this registry subject")
	fl.IntVar(&opts.Key.Version, "key-schema-version", -1, "with --key-subject: this version instead of the latest")
	fl.StringVar(&opts.Key.Message, "key-proto-message", "", "Protobuf keys: the message's full name (default: the schema's first)")
	fl.StringArrayVar(&opts.Value.RefSpecs, "reference", nil, "a type or import the --value-schema file uses from another subject: NAME=SUBJECT[:VERSION] (repeatable)")
	fl.StringArrayVar(&opts.Key.RefSpecs, "key-reference", nil, "a type or import the --key-schema file uses from another subject: NAME=SUBJECT[:VERSION] (repeatable)")
	cmdutil.AddLocalSchemaFlags(cmd, &opts.SchemaType, &opts.SchemaPaths, &opts.Unframed, "write")
	fl.StringVar(&opts.SubjectStrategy, "subject-strategy", string(schema.TopicName), "subject for schema files: TopicName (TOPIC-value), RecordName (the record's full name) or TopicRecordName")
	cmdutil.AddRegistryFlag(cmd, f)
	_ = cmd.RegisterFlagCompletionFunc("subject-strategy", cobra.FixedCompletions(schema.Strategies, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "raw"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("compression", cobra.FixedCompletions(compressionCodecs, cobra.ShellCompDirectiveNoFileComp))
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
	if !slices.Contains(compressionCodecs, o.Compression) {
		return exitcode.UsageError("--compression %q: use %s", o.Compression, strings.Join(compressionCodecs, ", "))
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
		if len(s.RefSpecs) > 0 && (s.File == "" || o.Unframed) {
			return exitcode.UsageError("references (--%s) go with a --%s-schema file that is registered, not with --unframed (which finds them on disk: --schema-path)",
				map[string]string{"value": "reference", "key": "key-reference"}[side.name], side.name)
		}
		if _, err := cmdutil.ParseReferences(s.RefSpecs); err != nil {
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
	return cmdutil.CheckLocalSchemaFlags(o.Value.File != "" || o.Key.File != "", o.SchemaType, o.SchemaPaths, o.Unframed)
}

// compressionCodecs are Kafka's compression.type values (librdkafka's too).
var compressionCodecs = []string{"none", "gzip", "snappy", "lz4", "zstd"}

func produceRun(ctx context.Context, f *cmdutil.Factory, opts *ProduceOptions) error {
	defer cmdutil.StreamingGC()()
	in, size := f.IO.In, int64(-1)
	if opts.File != "" {
		file, err := os.Open(opts.File)
		if err != nil {
			return err
		}
		defer file.Close()
		if st, err := file.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
		in = file
	}
	client, err := f.Client()
	if err != nil {
		return err
	}
	targets := &produceTargets{client: client, counts: map[string]int32{}}
	if opts.Topic != "" {
		// Fail on a misspelt topic or partition before reading any input.
		part := record.AnyPartition
		if opts.partitionSet {
			part = opts.Partition
		}
		if err := targets.check(ctx, opts.Topic, part); err != nil {
			var pe *partitionError
			if errors.As(err, &pe) {
				return exitcode.UsageError("--partition %d: %v", opts.Partition, err)
			}
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
	// Progress on a terminal, as replay shows it: of the file's bytes, or a
	// count of records from a pipe; not while someone types the input.
	p := &producer{opts: opts, f: f, w: w, limiter: limiter, targets: targets, enc: enc}
	switch {
	case size > 0:
		p.progress = f.ProgressBytes(size, "produce")
		in = p.progress.Reader(in)
	case !f.IO.InTTY || opts.File != "":
		p.progress, p.countRecords = f.Progress(-1, "produce"), true
	}
	progress := p.progress
	stop := p.input(ctx, in)
	if stop.err != nil && opts.TransactionalID != "" {
		progress.Finish()
		if aerr := w.Abort(ctx); aerr != nil {
			return aerr
		}
		f.IO.Infof("Transaction aborted: none of the records is visible to read_committed readers; fix the input and run again from its first line.")
		return stop.err
	}
	// Wait for every record handed to the producer, also after Ctrl-C
	// (then bounded by the request timeout), so the counts say exactly
	// what was delivered.
	flushErr := w.Flush(ctx)
	if ctx.Err() != nil {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), client.Cluster().Timeout)
		flushErr = w.Flush(wctx)
		cancel()
	}
	progress.Finish()
	st := w.Stats()
	summary := fmt.Sprintf("%s delivered, %d failed", output.Count(st.Delivered, "record"), st.Failed)
	if p.invalid > 0 {
		summary += fmt.Sprintf(", %s skipped", output.Count(int64(p.invalid), "invalid line"))
	}
	f.IO.Infof("%s.", summary)
	if stop.err != nil || st.Failed > 0 || flushErr != nil {
		p.sayWhereToResume(stop.line, st)
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case st.Failed > 0:
		return exitcode.WithCode(exitcode.Partial, fmt.Errorf("%s failed delivery: %w", output.Count(st.Failed, "record"), w.Err()))
	case stop.err != nil && st.Delivered > 0:
		return exitcode.WithCode(exitcode.Partial, stop.err)
	case stop.err != nil:
		return stop.err
	}
	return flushErr
}

// producer reads the input and hands each record to the writer.
type producer struct {
	opts     *ProduceOptions
	f        *cmdutil.Factory
	w        *kafka.Writer
	limiter  *rate.Limiter
	targets  *produceTargets
	enc      *recordEncoder
	progress *cmdutil.Progress
	// countRecords: the progress counts records (input from a pipe), not
	// the bytes of a file.
	countRecords bool
	lines        inputLines
	invalid      int // lines skipped by --skip-invalid
}

// inputStop says where and why reading the input stopped early: line is
// the first input line not handed to the writer.
type inputStop struct {
	line int
	err  error
}

// sayWhereToResume tells, after a run that stopped early or lost records,
// from which input line a rerun picks up: every record before it is
// delivered.
func (p *producer) sayWhereToResume(stopLine int, st kafka.Stats) {
	next, written := p.w.FirstUndelivered(), p.w.Written()
	line := stopLine // every record written is delivered: the line after them
	if next < written {
		line = p.lines.line(next)
	}
	after := st.Delivered - next // delivered although a record before them was not
	if p.opts.Format == "raw" || line == 0 || line == 1 && after == 0 {
		return // a rerun starts from the top anyway
	}
	msg := fmt.Sprintf("Every record before input line %d is delivered: resume from line %d", line, line)
	if p.opts.File != "" {
		msg += fmt.Sprintf(" (tail -n +%d %s | streamctl produce ...)", line, p.opts.File)
	}
	msg += "."
	if after > 0 {
		msg += fmt.Sprintf(" %s from line %d on delivered too, and would be written again.", output.Count(after, "record"), line)
	}
	if n := p.w.Unacknowledged(); n > 0 {
		msg += fmt.Sprintf(" %s not acknowledged when the wait ended may still arrive, and be written twice.", output.Count(n, "record"))
	}
	p.f.IO.Infof("%s", msg)
}

// write hands one record read from input line lineNo to the writer.
func (p *producer) write(ctx context.Context, rec *record.Record, lineNo int) error {
	if p.opts.Topic != "" {
		rec.Topic = p.opts.Topic
	}
	if p.opts.partitionSet {
		rec.Partition = p.opts.Partition
	}
	if p.limiter != nil {
		if p.limiter.Tokens() < 1 {
			// About to wait for --rate: what is batched goes to the
			// producer first, rather than when a batch fills.
			if err := p.w.SendBatched(ctx); err != nil {
				return err
			}
		}
		if err := p.limiter.Wait(ctx); err != nil {
			return err
		}
	}
	p.lines.add(p.w.Written(), lineNo)
	return p.w.Write(ctx, rec, nil)
}

// input reads the input to its end or to the first line that stops the
// run (a malformed line, a missing topic or partition, a producer error,
// Ctrl-C).
func (p *producer) input(ctx context.Context, in io.Reader) inputStop {
	opts, w := p.opts, p.w
	if opts.Format == "raw" {
		value, err := io.ReadAll(in)
		if err != nil {
			return inputStop{1, err}
		}
		rec := record.Record{Partition: record.AnyPartition, Value: value, Key: opts.text.FixedKey, Headers: opts.text.Headers}
		if err := p.enc.encode(ctx, &rec, opts.Topic); err != nil {
			return inputStop{1, err}
		}
		if err := p.write(ctx, &rec, 1); err != nil {
			return inputStop{1, err}
		}
		return inputStop{}
	}
	r := bufio.NewReaderSize(in, 1<<20)
	// With no key, header or null parsing a text line's value is the line
	// itself. ParseTextLine copies it, for callers that keep the record;
	// Write copies the bytes into librdkafka anyway, so the value can point
	// into the read buffer: one allocation less per line, about 10% of
	// produce's CPU.
	t := &opts.text
	plainText := opts.Format == "text" && !t.ParseKey && !t.ParseHeaders && t.NullMarker == "" && !t.EmptyIsNull
	counted := int64(0) // records counted by the progress bar (from a pipe)
	var long []byte
	for lineNo := 1; ; lineNo++ {
		if err := ctx.Err(); err != nil {
			return inputStop{lineNo, err}
		}
		if err := w.Err(); err != nil && opts.TransactionalID != "" {
			return inputStop{lineNo, err} // the transaction is lost already
		}
		if r.Buffered() < 4096 && !lineBuffered(r) {
			// The next read may wait for input (tail -f | produce): the
			// lines read so far go to the producer first, not when a batch
			// fills. (Looking for a whole line only near the end of what is
			// buffered: the scan costs a few percent of produce's CPU when
			// done for every line of a file.)
			if err := w.SendBatched(ctx); err != nil {
				return inputStop{lineNo, err}
			}
		}
		if n := w.Written(); p.countRecords && (n-counted >= 1024 || r.Buffered() == 0) {
			p.progress.Add(int(n - counted))
			counted = n
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
				return inputStop{}
			}
			return inputStop{lineNo, err}
		}
		var rec record.Record
		var perr error
		switch {
		case opts.Format == "json":
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			if rec, perr = envelope.Parse(line); perr == nil && rec.Topic == "" && opts.Topic == "" {
				perr = errors.New("the envelope has no topic; name a TOPIC argument")
			}
			if perr == nil {
				perr = p.targets.lineCheck(ctx, &rec, opts)
			}
		case plainText:
			value := bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
			rec = record.Record{Partition: record.AnyPartition, Key: t.FixedKey, Value: value, Headers: t.Headers[:len(t.Headers):len(t.Headers)]}
		default:
			rec, perr = textio.ParseLine(line, lineNo, t)
		}
		var le *lineError
		switch {
		case errors.As(perr, &le):
			return inputStop{lineNo, le.err} // not the line's fault: stop
		case perr != nil && opts.Format == "json":
			perr = fmt.Errorf("line %d: %w", lineNo, perr)
		}
		if perr == nil {
			if err := p.enc.encode(ctx, &rec, cmp.Or(opts.Topic, rec.Topic)); err != nil {
				if errors.As(err, new(*schema.Error)) {
					return inputStop{lineNo, err} // the registry, not the line: skipping cannot help
				}
				perr = fmt.Errorf("line %d (topic %s): %w", lineNo, cmp.Or(opts.Topic, rec.Topic), err)
			}
		}
		if perr != nil {
			if !opts.SkipInvalid {
				return inputStop{lineNo, perr}
			}
			p.invalid++
			p.f.IO.Warnf("%v (skipped)", perr)
			continue
		}
		if err := p.write(ctx, &rec, lineNo); err != nil {
			return inputStop{lineNo, err}
		}
	}
}

// inputLines maps records, in the order they were written, to the input
// lines they came from, to say where a stopped produce resumes. Lines and
// records go one to one except where blank or skipped lines fall out;
// only those breaks are kept.
type inputLines struct{ breaks []lineBreak }

type lineBreak struct {
	record int64
	line   int
}

// add notes that record came from line.
func (l *inputLines) add(record int64, line int) {
	if n := len(l.breaks); n > 0 {
		last := l.breaks[n-1]
		if int64(line)-record == int64(last.line)-last.record {
			return
		}
		if last.record == record {
			l.breaks[n-1].line = line
			return
		}
	}
	l.breaks = append(l.breaks, lineBreak{record, line})
}

// line is the input line record came from.
func (l *inputLines) line(record int64) int {
	i := sort.Search(len(l.breaks), func(i int) bool { return l.breaks[i].record > record }) - 1
	if i < 0 {
		return int(record) + 1
	}
	return l.breaks[i].line + int(record-l.breaks[i].record)
}

// produceTargets knows the partition counts of the topics records go to,
// asking the cluster once per topic: a record for a missing topic or
// partition is an error naming its line at once, not a delivery failure
// after librdkafka has waited 30 s for the topic to appear.
type produceTargets struct {
	client *kafka.Client
	counts map[string]int32
	last   string // the topic of the record before, and its count
	lastN  int32
}

// partitionError is a partition the topic does not have.
type partitionError struct {
	topic     string
	partition int32
	count     int32
}

func (e *partitionError) Error() string {
	return fmt.Sprintf("topic %q has %s (0-%d), not partition %d", e.topic, output.Count(int64(e.count), "partition"), e.count-1, e.partition)
}

// lineError is a failure checking a line that is not the line's fault (the
// cluster did not answer): it stops the run even with --skip-invalid.
type lineError struct{ err error }

func (e *lineError) Error() string { return e.err.Error() }

// check returns an error when topic, or its partition, does not exist.
func (t *produceTargets) check(ctx context.Context, topic string, partition int32) error {
	if topic != t.last {
		n, ok := t.counts[topic]
		if !ok {
			tps, err := t.client.Partitions(ctx, []string{topic})
			if err != nil {
				return err
			}
			n = int32(len(tps))
			t.counts[topic] = n
		}
		t.last, t.lastN = topic, n
	}
	if partition != record.AnyPartition && (partition < 0 || partition >= t.lastN) {
		return &partitionError{topic, partition, t.lastN}
	}
	return nil
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
	var reg *schema.Registry
	var err error
	if !opts.Unframed {
		if reg, err = f.Registry(); err != nil {
			return nil, err
		}
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
		refs, _ := cmdutil.ParseReferences(side.s.RefSpecs)
		if *side.out, err = schema.NewEncoder(ctx, reg, schema.EncoderOptions{
			Key: side.key, SchemaFile: side.s.File, SchemaType: opts.SchemaType, Strategy: strategy,
			Subject: side.s.Subject, Version: side.s.Version, Message: side.s.Message,
			References: refs, Unframed: opts.Unframed, Paths: opts.SchemaPaths,
		}); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// encode replaces rec's JSON key and value by their framed encodings. Null
// stays null: a tombstone has no schema.
func (e *recordEncoder) encode(ctx context.Context, rec *record.Record, topic string) error {
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

// lineCheck checks the topic and partition an envelope names (TOPIC and
// --partition override them, and were checked before the input): a
// missing one is the line's error; a cluster that does not answer is a
// lineError.
func (t *produceTargets) lineCheck(ctx context.Context, rec *record.Record, opts *ProduceOptions) error {
	topic, part := rec.Topic, rec.Partition
	if opts.Topic != "" {
		topic = opts.Topic
	}
	if opts.partitionSet {
		part = record.AnyPartition
	}
	err := t.check(ctx, topic, part)
	var nf *kafka.TopicNotFoundError
	var pe *partitionError
	if err == nil || errors.As(err, &nf) || errors.As(err, &pe) {
		return err
	}
	return &lineError{err}
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
