package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/produce"
	"github.com/streamctl/streamctl/internal/schema"
)

func newProduceCmd(f *cmdutil.Factory) *cobra.Command {
	opts := &produce.Request{}
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
			opts.PartitionSet = cmd.Flags().Changed("partition")
			opts.FixedKeySet = cmd.Flags().Changed("key")
			if err := opts.Check(); err != nil {
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
	fl.StringVar(&opts.Compression, "compression", "none", "compression: "+strings.Join(produce.CompressionCodecs, ", "))
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
	_ = cmd.RegisterFlagCompletionFunc("compression", cobra.FixedCompletions(produce.CompressionCodecs, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func produceRun(ctx context.Context, f *cmdutil.Factory, opts *produce.Request) error {
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
	deps := produce.Deps{Kafka: client, Registry: f.Registry, In: in, Warnf: f.IO.Warnf}
	// Progress on a terminal, as replay shows it: of the file's bytes, or a
	// count of records from a pipe; not while someone types the input.
	var progress *cmdutil.Progress
	switch {
	case size > 0:
		progress = f.ProgressBytes(size, "produce")
		deps.In = progress.Reader(in)
	case !f.IO.InTTY || opts.File != "":
		progress = f.Progress(-1, "produce")
		if progress != nil {
			deps.Records = progress
		}
	}
	sum, err := produce.Run(ctx, deps, opts.Options(client.Cluster().Timeout))
	progress.Finish()
	var pe *produce.PartitionError
	switch {
	case errors.As(err, &pe) && !sum.Counted && !sum.Aborted:
		return exitcode.UsageError("--partition %d: %v", opts.Partition, err)
	case sum.Aborted:
		f.IO.Infof("Transaction aborted: none of the records is visible to read_committed readers; fix the input and run again from its first line.")
	case sum.Counted:
		line := fmt.Sprintf("%s delivered, %d failed", output.Count(sum.Delivered, "record"), sum.Failed)
		if sum.Invalid > 0 {
			line += fmt.Sprintf(", %s skipped", output.Count(sum.Invalid, "invalid line"))
		}
		f.IO.Infof("%s.", line)
		if sum.Resume != "" {
			f.IO.Infof("%s", sum.Resume)
		}
	}
	return err
}
