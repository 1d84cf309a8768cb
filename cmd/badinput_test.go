package cmd_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/exitcode"
)

// badInput is one entry of the bad-input catalogue (docs/exit-codes.md): a
// command line a user can get wrong, the exit code it must end with and
// what stderr must say.
type badInput struct {
	args []string
	code int
	msg  string // a part of stderr, as the catalogue shows it
	// Optional: stdin; a config file (written to a temporary path, passed
	// with --config); noBrokers leaves out the --brokers of the test broker.
	stdin, config string
	noBrokers     bool
}

// badInputs is the catalogue, run against a playground broker with the demo
// data set (order-events with 3 partitions, order-events-dlt,
// analytics-group...). TestBadInputs checks every entry and that
// docs/exit-codes.md is this table.
var badInputs = []badInput{
	// The command line.
	{args: []string{"nosuchcmd"}, code: 2, msg: `unknown command "nosuchcmd" for "streamctl"`},
	{args: []string{"topic", "nosuch"}, code: 2, msg: `unknown command "nosuch" for "streamctl topic"`},
	{args: []string{"topic", "list", "--nosuch"}, code: 2, msg: `unknown flag: --nosuch`},
	{args: []string{"--timeout", "abc", "topic", "list"}, code: 2, msg: `--timeout "abc": want a duration such as 30s, 5m or 1h30m`},
	{args: []string{"--timeout", "3", "topic", "list"}, code: 2, msg: `--timeout "3": want a duration such as 30s, 5m or 1h30m`},
	{args: []string{"--timeout", "0s", "topic", "list"}, code: 2, msg: `--timeout "0s": want a positive duration such as 30s, 5m or 1h30m`},
	{args: []string{"-X", "foo", "topic", "list"}, code: 2, msg: `-X "foo": want key=value, e.g. -X client.id=ops`},
	{args: []string{"-X", "nosuch.prop=1", "topic", "list"}, code: 1, msg: `-X nosuch.prop=1: No such configuration property: "nosuch.prop"`},
	{args: []string{"help", "nosuchtopic"}, noBrokers: true, code: 2, msg: `unknown help topic "nosuchtopic": "streamctl help" lists the commands and topics`},
	{args: []string{"completion", "tcsh"}, noBrokers: true, code: 2, msg: `unknown command "tcsh" for "streamctl completion"`},

	// Profiles and the config file.
	{args: []string{"topic", "list"}, noBrokers: true, code: 1, msg: `no brokers to connect to: pass --brokers host:port, set STREAMCTL_BROKERS, or create a profile`},
	{args: []string{"schema", "list"}, noBrokers: true, code: 1, msg: `no schema registry: pass --registry-url URL, set STREAMCTL_SCHEMA_REGISTRY_URL`},
	{args: []string{"cluster", "describe", "--brokers", "127.0.0.1:1", "--timeout", "1s"}, noBrokers: true, code: 1, msg: `describing the cluster: no answer from the cluster at 127.0.0.1:1 within 1s`},
	{args: []string{"--profile", "nope", "topic", "list"}, noBrokers: true, config: "profiles:\n  dev:\n    brokers: [a:9092]\n", code: 1, msg: `profile "nope" not found`},
	{args: []string{"topic", "list"}, noBrokers: true, config: "profiles:\n  dev:\n    brokers: a:1: b\n", code: 1, msg: `line 3: mapping values are not allowed in this context`},
	{args: []string{"topic", "list"}, noBrokers: true, config: "profiles:\n  dev:\n    brokerz: [b:1]\n", code: 1, msg: `line 3: unknown key "brokerz" in a profile; did you mean "brokers"?`},
	{args: []string{"topic", "list"}, noBrokers: true, config: "profiles:\n  dev:\n    brokers: [a:1]\n    timeout: forever\n", code: 1, msg: `timeout "forever": want a duration such as 10s or 1m`},
	{args: []string{"profile", "use", "nosuch"}, noBrokers: true, config: "profiles:\n  dev:\n    brokers: [a:9092]\n", code: 1, msg: `profile "nosuch" not found`},
	{args: []string{"profile", "create"}, noBrokers: true, code: 2, msg: `streamctl profile create takes 1 argument(s) (NAME), got 0`},
	{args: []string{"profile", "create", "prod", "--brokers", "b:9093", "--ca-file", "/missing.pem"}, noBrokers: true, code: 2, msg: `--ca-file: /missing.pem: no such file`},
	{args: []string{"topic", "list"}, noBrokers: true, config: "current_profile: prod\nprofiles:\n  prod:\n    brokers: [b:9093]\n    tls:\n      ca_file: /missing.pem\n", code: 1, msg: `profile "prod": tls.ca_file: /missing.pem: no such file`},
	{args: []string{"-X", "security.protocol=SSL", "-X", "ssl.ca.location=/missing.pem", "topic", "list"}, code: 1, msg: `-X ssl.ca.location: /missing.pem: no such file`},
	{args: []string{"-X", "security.protocol=SSL", "--timeout", "2s", "topic", "list"}, code: 1, msg: `answers plaintext Kafka, not TLS: it is a PLAINTEXT (or SASL_PLAINTEXT) listener, and this client uses TLS`},
	{args: []string{"profile", "set", "dev", "nosuch.key"}, noBrokers: true, config: "profiles:\n  dev:\n    brokers: [a:9092]\n", code: 2, msg: `"nosuch.key": want KEY=VALUE`},

	// Authentication settings no engine can connect with.
	{args: []string{"profile", "create", "k", "--sasl-mechanism", "GSSAPI", "--username", "u"}, code: 2, msg: `sasl.mechanism GSSAPI: SASL GSSAPI (Kerberos) is not supported: the librdkafka bundled in confluent-kafka-go, which streamctl is built with, has no Kerberos (libsasl2) support`},
	{args: []string{"-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanism=GSSAPI", "topic", "list"}, code: 1, msg: `-X sasl.mechanism=GSSAPI: SASL GSSAPI (Kerberos) is not supported`},
	{args: []string{"-X", "security.protocol=SASL_PLAINTEXT", "topic", "list"}, code: 1, msg: `security.protocol SASL_PLAINTEXT with no SASL mechanism means GSSAPI, librdkafka's default`},
	{args: []string{"-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanism=OAUTHBEARER", "version", "--cluster"}, code: 1, msg: `SASL mechanism OAUTHBEARER needs a token source`},
	{args: []string{"-X", "ssl.engine.location=/e.so", "topic", "list"}, code: 1, msg: `-X ssl.engine.location is not supported: an OpenSSL engine, which franz-go (Go's TLS) cannot load`},
	{args: []string{"profile", "create", "k", "--oidc-client-id", "a"}, code: 2, msg: `sasl.oauthbearer: method oidc needs token_endpoint, the provider's OAuth token URL`},
	{args: []string{"profile", "create", "k", "--oidc-token-endpoint", "https://idp.example.com/token", "--oidc-client-id", "a", "--oidc-client-secret-env", "S", "--oidc-extension", "x"}, code: 2, msg: `--oidc-extension "x": want key=value`},
	{args: []string{"profile", "create", "k", "--oauth-token-file", "/t", "--oidc-client-id", "a"}, code: 2, msg: `sasl.oauthbearer: method token takes a token (token_file, token_env or token), not token_endpoint, client_id, client_secret or scope`},
	{args: []string{"topic", "list"}, noBrokers: true, config: "current_profile: dev\nprofiles:\n  dev:\n    brokers: [a:1]\n    sasl:\n      mechanism: OAUTHBEARER\n      oauthbearer: {method: oidc, token_endpoint: https://idp/token, client_id: c, client_secret_env: E2E_UNSET_SECRET}\n", code: 1, msg: `sasl.oauthbearer.client_secret_env names E2E_UNSET_SECRET, which is not set`},

	// Topics.
	{args: []string{"topic", "create"}, code: 2, msg: `streamctl topic create takes 1 argument(s) (TOPIC), got 0`},
	{args: []string{"topic", "create", "bad name!"}, code: 2, msg: `topic name "bad name!" contains ' ': Kafka allows only ASCII letters, digits, '.', '_' and '-'`},
	{args: []string{"topic", "create", ".."}, code: 2, msg: `topic name ".." is not allowed by Kafka`},
	{args: []string{"topic", "create", strings.Repeat("t", 250)}, code: 2, msg: `topic name is 250 characters long; Kafka allows at most 249`},
	{args: []string{"topic", "create", "t", "-p", "0"}, code: 2, msg: `--partitions 0: want 1 or more, or -1 for the broker's num.partitions`},
	{args: []string{"topic", "create", "t", "-r", "0"}, code: 2, msg: `--replication-factor 0: want 1 or more, or -1 for the broker's default.replication.factor`},
	{args: []string{"topic", "create", "t", "-p", "x"}, code: 2, msg: `--partitions "x": want a whole number`},
	{args: []string{"topic", "create", "t", "-c", "foo"}, code: 2, msg: `config "foo": want key=value, e.g. retention.ms=86400000`},
	{args: []string{"topic", "create", "order-events"}, code: 1, msg: `topic "order-events" already exists (use --if-not-exists to accept that)`},
	{args: []string{"topic", "alter", "order-events", "-p", "1"}, code: 2, msg: `topic "order-events" has 3 partitions; Kafka cannot reduce that to 1`},
	{args: []string{"topic", "describe", "nosuch"}, code: 1, msg: `topic "nosuch" not found on cluster`},
	{args: []string{"topic", "delete", "nosuch"}, code: 1, msg: `topic "nosuch" not found on cluster`},
	{args: []string{"topic", "delete", "order-events", "--execute"}, code: 2, msg: `refusing without confirmation: not running on a terminal, pass --yes`},
	{args: []string{"topic", "delete", "order-events", "--yes"}, code: 2, msg: `--yes goes with --execute: without it this is a dry run, which asks nothing (add --execute to apply)`},
	{args: []string{"topic", "reassign", "order-events", "--broker-ids", "0", "--wait"}, code: 2, msg: `--wait goes with --execute or --verify`},
	{args: []string{"topic", "list", "--pattern", "["}, code: 2, msg: `--pattern "[" is not a valid glob: syntax error in pattern`},
	{args: []string{"topic", "config", "set", "order-events", "retention.ms"}, code: 2, msg: `config "retention.ms": want key=value, e.g. retention.ms=86400000`},
	{args: []string{"topic", "config", "set", "order-events", "retention.ms=abc"}, code: 1, msg: `Invalid value abc for configuration retention.ms: Not a number of type LONG`},

	// Reading.
	{args: []string{"group", "lag", "analytics-group", "--all"}, code: 2, msg: `give a GROUP or --all, not both`},
	{args: []string{"consume"}, code: 2, msg: `streamctl consume needs at least 1 argument(s) (TOPIC...)`},
	{args: []string{"consume", "nosuch", "-e"}, code: 1, msg: `topic "nosuch" not found on cluster`},
	{args: []string{"consume", "order-events", "--offset", "garbage"}, code: 2, msg: `invalid --offset: position "garbage": want start, end, an offset N, +N, -N, or @time`},
	{args: []string{"consume", "order-events", "--offset", "10:5"}, code: 2, msg: `invalid --offset: range "10:5" selects nothing: its end 5 is not after its start 10`},
	{args: []string{"consume", "order-events", "--offset", "@2026-13-01"}, code: 2, msg: `invalid --offset: position "@2026-13-01": time "2026-13-01": month out of range`},
	{args: []string{"consume", "order-events", "--offset", "-1h"}, code: 2, msg: `a time starts with @: did you mean "@-1h"?`},
	{args: []string{"consume", "order-events", "--offset", "99999", "-e"}, code: 0, msg: `note: --offset 99999 is outside the log of order-events[0] (log 0..101); clamped`},
	{args: []string{"consume", "order-events", "--offset", "@2099-01-01", "-e"}, code: 0, msg: `note: --offset @2099-01-01 is in the future: no record is that new yet; reading starts at the log end`},
	{args: []string{"consume", "order-events", "-f", "%z"}, code: 2, msg: `unknown format token "%z" at position 1 of "%z"`},
	{args: []string{"consume", "order-events", "-f", `\999`}, code: 2, msg: `escape \999 is above 255 and is not a byte`},
	{args: []string{"consume", "order-events", "-p", "9", "-e"}, code: 2, msg: `no partition [9] in order-events`},
	{args: []string{"consume", "order-events", "--isolation", "dirty"}, code: 2, msg: `--isolation "dirty": use read_committed or read_uncommitted`},
	{args: []string{"consume", "order-events", "--from-time", "yesterday"}, code: 2, msg: `invalid time "yesterday"`},
	{args: []string{"consume", "order-events", "-n", "-1"}, code: 2, msg: `--max-messages must not be negative`},
	{args: []string{"consume", "order-events", "--where", ".["}, code: 2, msg: `jq expression ".[": unexpected EOF`},
	{args: []string{"consume", "order-events", "-o", "beginning"}, code: 2, msg: `unknown output format "beginning": use one of table, json, raw (-o is the output format here; for kcat's -o beginning use --offset beginning)`},
	{args: []string{"consume", "order-events", "-o", "-1"}, code: 2, msg: `for kcat's -o -1 use --offset -1`},
	{args: []string{"consume", "order-events", "-o", "yaml", "-e"}, code: 2, msg: `unknown output format "yaml": use one of table, json, raw`},
	{args: []string{"consume", "order-events", "-e", "--decode", "--registry-url", "http://127.0.0.1:1"}, code: 1, msg: `order-events[0] offset 0: --decode value: not in the schema registry wire format: it starts with byte 0x7b, not the magic byte 0x00`},
	{args: []string{"consume", "order-events-avro", "-e", "--decode", "--registry-url", "http://127.0.0.1:1"}, code: 1, msg: `order-events-avro[0] offset 0: --decode value: schema id 1: cannot reach the schema registry at http://127.0.0.1:1`},
	{args: []string{"consume", "order-events", "-e", "--unframed"}, code: 2, msg: `--unframed goes with --value-schema FILE or --key-schema FILE: without the framing, the schema must come from a file`},
	{args: []string{"consume", "order-events", "-e", "--proto-message", "shop.Order"}, code: 2, msg: `--proto-message goes with --value-schema FILE (framed records name their message)`},
	{args: []string{"consume", "order-events", "-e", "--value-schema", "/nonexistent/order.proto", "--unframed"}, code: 1, msg: `--value-schema: open /nonexistent/order.proto: no such file or directory`},
	{args: []string{"consume", "order-events", "-e", "--value-schema", "order.txt"}, code: 1, msg: `cannot tell the schema type of order.txt from its name (.avsc, .proto or .json): pass --schema-type avro, protobuf or json`},

	// Writing.
	{args: []string{"produce"}, code: 2, msg: `name the TOPIC to write to (only --format json can take topics from the input)`},
	{args: []string{"produce", "order-events", "--format", "yaml"}, code: 2, msg: `--format "yaml": use text, json or raw`},
	{args: []string{"produce", "order-events", "--acks", "1"}, code: 2, msg: `--acks 1 needs --idempotent=false: the idempotent producer requires acks=all`},
	{args: []string{"produce", "order-events", "--file", "/nonexistent/records.txt"}, code: 1, msg: `open /nonexistent/records.txt: no such file or directory`},
	{args: []string{"produce", "--format", "json"}, stdin: `{"topic":"order-events","valu":"x"}` + "\n", code: 1, msg: `line 1: field "valu": unknown field (did you mean "value"?)`},
	{args: []string{"produce", "--format", "json"}, stdin: `{"topic":"order-events","value":"a"}` + "\n[]\n", code: 4, msg: `Every record before input line 2 is delivered: resume from line 2.`},
	{args: []string{"produce", "order-events", "--compression", "brotli"}, code: 2, msg: `--compression "brotli": use none, gzip, snappy, lz4, zstd`},
	{args: []string{"produce", "order-events", "--format", "raw", "--parse-key"}, code: 2, msg: `--parse-key reads text lines; it does not apply to --format raw`},
	{args: []string{"produce", "order-events", "--partition", "9"}, code: 2, msg: `--partition 9: topic "order-events" has 3 partitions (0-2), not partition 9`},
	{args: []string{"produce", "order-events", "--value-subject", "order-events-value", "--unframed"}, code: 2, msg: `--unframed writes without the registry: give --value-schema FILE, not --value-subject`},
	{args: []string{"produce", "order-events", "--value-schema", "order.avsc", "--schema-path", "schemas"}, code: 2, msg: `--schema-path goes with --unframed (a registered schema's types come from the registry: --reference)`},
	{args: []string{"produce", "order-events", "--value-schema", "order.avsc", "--reference", "shop.Money"}, code: 2, msg: `--reference "shop.Money": want NAME=SUBJECT[:VERSION]`},
	{args: []string{"schema", "register", "payments-value", "payment.avsc", "--reference", "shop.Money=money-value:0"}, code: 2, msg: `--reference "shop.Money=money-value:0": version 0: versions start at 1`},

	// Replay.
	{args: []string{"replay", "order-events"}, code: 2, msg: `choose exactly one target: --to-topic, --to-file, --exec or --to-group`},
	{args: []string{"replay", "order-events", "--to-file", "a.jsonl", "--to-topic", "b"}, code: 2, msg: `choose exactly one target: --to-topic, --to-file, --exec or --to-group`},
	{args: []string{"replay", "order-events", "--to-file", "a.jsonl", "--exactly-once"}, code: 2, msg: `--exactly-once works with --to-topic or --to-profile over whole topics (no --partition): files and commands take no part in Kafka transactions`},
	{args: []string{"replay", "order-events", "--to-topic", "copy", "--partitioning", "foo"}, code: 2, msg: `--partitioning "foo": use same or key`},
	{args: []string{"replay", "order-events", "--to-topic", "copy", "--timestamp", "later"}, code: 2, msg: `--timestamp "later": use keep or now`},
	{args: []string{"replay", "order-events", "--to-topic", "nosuch"}, code: 1, msg: `add --create to create it like "order-events"`},
	{args: []string{"replay", "order-events", "--to-profile", "gone", "--timeout", "2s"}, config: "profiles:\n  gone:\n    brokers: [127.0.0.1:1]\n", code: 1, msg: `target profile "gone": describing the cluster: no answer from the cluster at 127.0.0.1:1`},
	{args: []string{"replay", "order-events", "--to-profile", "self"}, config: "profiles:\n  self:\n    brokers: [BROKERS]\n", code: 2, msg: `refusing to replay "order-events" into itself: profile "self" reaches the cluster the sources are read from`},
	{args: []string{"replay", "order-events", "--to-profile", "self", "--to-topic", "order-sink-dlq"}, config: "profiles:\n  self:\n    brokers: [BROKERS]\n", code: 2, msg: `target profile "self": topic "order-sink-dlq" has 1 partition, fewer than the 3 of "order-events", so partition numbers cannot be kept`},
	{args: []string{"replay", "order-events", "--to-topic", "copy", "--worker"}, code: 2, msg: `--worker needs --id: the workers of one copy are the processes started with the same --id`},
	{args: []string{"replay", "order-events", "--exec", "cat", "--worker", "--id", "w"}, code: 2, msg: `--worker shares a copy into topics (--to-topic or --to-profile): files, commands and groups have one writer`},
	{args: []string{"replay", "order-events", "--to-topic", "copy", "--worker", "--id", "w", "--resume"}, code: 2, msg: `--worker keeps its progress in Kafka, not in a checkpoint file: run the same command again to continue (no --resume or --checkpoint)`},
	{args: []string{"replay", "order-events", "--to-topic", "copy", "--worker", "--id", "w", "-p", "0"}, code: 2, msg: `--worker shares whole topics through a consumer group: the group assigns the partitions (no --partition)`},
	{args: []string{"replay", "order-events", "--to-topic", "copy", "--keep-schema-ids"}, code: 2, msg: `--keep-schema-ids goes with --to-profile`},
	{args: []string{"replay", "order-events", "--to-topic", "copy", "--sync-groups", "billing"}, code: 2, msg: `--sync-groups and --sync-groups-all go with --to-profile`},
	{args: []string{"replay", "order-events", "--to-profile", "dr", "--sync-groups", "billing", "--sync-groups-all"}, code: 2, msg: `--sync-groups and --sync-groups-all exclude each other`},
	{args: []string{"replay", "order-events", "--to-profile", "dr", "--sync-groups", "billing", "--dry-run"}, code: 2, msg: `--dry-run copies nothing, so no offsets translate`},
	{args: []string{"replay", "order-events", "--to-topic", "copy", "--execute"}, code: 2, msg: `--execute and --undo-dir go with --to-group or --sync-groups`},
	{args: []string{"replay", "order-events", "--to-file", "a.jsonl", "--follow"}, code: 2, msg: `--follow keeps copying new records into a topic: it goes with --to-topic or --to-profile`},
	{args: []string{"replay", "order-events", "--to-topic", "copy", "--follow", "--to", "+5"}, code: 2, msg: `--follow copies past the end, so it does not go with --to`},
	{args: []string{"replay", "order-events", "--to-profile", "dr", "--follow", "--sync-groups", "billing"}, code: 2, msg: `a --follow copy has no end to sync groups at`},
	{args: []string{"replay", "order-events", "--to-profile", "dr", "--worker", "--id", "w", "--follow"}, code: 2, msg: `--worker shares a copy up to the end pinned when the first worker starts`},
	{args: []string{"replay", "order-events", "--to-profile", "dr", "--worker", "--id", "w", "--sync-groups", "billing"}, code: 2, msg: `workers keep none, so run the sync from a copy without --worker`},
	{args: []string{"replay", "order-events", "--to-topic", "copy", "--exactly-once", "--follow"}, code: 2, msg: `--exactly-once does not go with --follow yet`},
	{args: []string{"replay", "order-events", "--to-topic", "copy", "--resume"}, code: 2, msg: `--resume needs the --checkpoint file (or --id) of the replay to continue`},
	{args: []string{"replay", "order-events", "--to-topic", "copy", "--map", ".["}, code: 2, msg: `jq expression ".[": unexpected EOF`},
	{args: []string{"replay", "order-events", "--to-topic", "x", "--create", "--rekey", "null", "--dry-run"}, code: 1, msg: `order-events[0] offset 0: --rekey null gives a null key`},

	// Dead-letter queues.
	{args: []string{"dlq", "reprocess", "nosuch"}, code: 1, msg: `topic "nosuch" not found on cluster`},
	{args: []string{"dlq", "reprocess", "order-events-dlt", "--offsets", "0:x"}, code: 2, msg: `--offsets "0:x": offset "x" is not a number`},
	{args: []string{"dlq", "reprocess", "order-events-dlt", "--max-attempts", "-1"}, code: 2, msg: `--max-attempts must not be negative`},
	{args: []string{"dlq", "reprocess", "order-events-dlt", "--rate", "-5"}, code: 2, msg: `--rate must not be negative`},
	{args: []string{"dlq", "reprocess", "order-events-dlt", "--timestamp", "later"}, code: 2, msg: `--timestamp "later": use keep or now`},

	// Tracing.
	{args: []string{"trace"}, code: 2, msg: `say what to trace: a KEY, --header k=v or --where EXPR`},
	{args: []string{"trace", "order-17", "--topics", "nosuch.*"}, code: 1, msg: `no topic matches --topics "nosuch.*" (6 topics exist`},
	{args: []string{"trace", "order-17", "--topics", "order-events-dl"}, code: 0, msg: `no record matches; read 13 records of 3 partitions in 1 topic, from `},
	{args: []string{"trace", "order-17", "--topics", "[a-"}, code: 2, msg: `--topics "[a-" is not a valid regular expression`},
	{args: []string{"trace", "--where", ".["}, code: 2, msg: `jq expression ".["`},
	{args: []string{"trace", "order-17", "--from", "@2099-01-01T00:00:00Z"}, code: 0, msg: `the window holds no records from 2099-01-01T00:00:00Z to the end in 16 partitions of 6 topics: widen it with --since or --from.`},
	{args: []string{"trace", "order-17", "--since", "yesterday"}, code: 2, msg: `invalid --since "yesterday": want a duration such as 30m, 6h or 7d`},
	{args: []string{"trace", "order-17", "--since", "1h", "--from", "start"}, code: 2, msg: `--since and --from both set the window's start: give one`},
	{args: []string{"trace", "order-17", "--group", "nosuch"}, code: 1, msg: `group "nosuch" not found`},
	{args: []string{"trace", "order-17", "--key", "order-18"}, code: 2, msg: `give the key once: as the argument or as --key`},

	// Consumer groups.
	{args: []string{"group", "describe", "nosuch"}, code: 1, msg: `group "nosuch" not found`},
	{args: []string{"group", "reset", "analytics-group"}, code: 2, msg: `choose exactly one strategy (--to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration, --from-file, --to-group); got 0`},
	{args: []string{"group", "reset", "analytics-group", "--to-offset", "5", "--shift-by", "1"}, code: 2, msg: `choose exactly one strategy`},
	{args: []string{"group", "reset", "analytics-group", "--to-earliest"}, code: 2, msg: `choose the scope: --all-topics or --topic T[:P,...]`},
	{args: []string{"group", "delete-offsets", "analytics-group"}, code: 2, msg: `name the topics: --topic T or --topic T:0,2`},
	{args: []string{"group", "lag", "analytics-group", "--fail-above", "abc"}, code: 2, msg: `--fail-above "abc": want a whole number`},
	{args: []string{"group", "lag", "analytics-group", "--fail-above", "10"}, code: 3, msg: `check failed: group "analytics-group" lags `},
	{args: []string{"group", "list", "--type", "queue"}, code: 2, msg: `--type "queue": use classic, consumer, share, streams`},
	{args: []string{"group", "reset", "order-workers", "--shift-by", "-1", "--all-topics"}, code: 1, msg: `group "order-workers" is a share group, and Kafka has no --shift-by reset for share groups`},
	{args: []string{"group", "reset", "order-workers", "--to-group", "analytics-group"}, code: 1, msg: `group "order-workers" is a share group, and Kafka has no --to-group reset for share groups`},
	{args: []string{"group", "delete-offsets", "order-workers", "--topic", "order-events:0", "--execute", "--yes"}, code: 1, msg: `Kafka has no per-partition offset deletion for share groups; it deletes a share group's offsets of whole topics: use --topic order-events`},
	{args: []string{"group", "reset", "analytics-group", "--to-earliest", "--all-topics", "--delete-internal-topics"}, code: 2, msg: `--delete-internal-topics is for streams groups, and group "analytics-group" is a classic group`},
	{args: []string{"group", "config", "set", "order-workers", "share.auto.offset.reset"}, code: 2, msg: `config "share.auto.offset.reset": want key=value`},

	// Share groups (Kafka 4 queues).
	{args: []string{"consume", "order-events", "--share-group", "analytics-group", "-n", "1"}, code: 1, msg: `group "analytics-group" is a classic group, and Kafka has no share consumer for classic groups; read it as a classic group: streamctl consume order-events -g analytics-group`},
	{args: []string{"consume", "order-events", "-g", "order-workers", "-n", "1"}, code: 1, msg: `group "order-workers" is a share group, and Kafka has no consumer-group member for share groups; read it as a share group: streamctl consume order-events --share-group order-workers`},
	{args: []string{"consume", "order-events", "--share-group", "order-workers", "--offset", "start"}, code: 2, msg: `--offset does not apply to --share-group: the broker decides what each member of a share group reads (to move where the group reads: streamctl group reset order-workers --to-earliest --all-topics --execute)`},
	{args: []string{"consume", "order-events", "--share-group", "order-workers", "-e"}, code: 2, msg: `--exit does not apply to --share-group`},
	{args: []string{"consume", "order-events", "--share-group", "order-workers", "-g", "g"}, code: 2, msg: `--group does not apply to --share-group`},
	{args: []string{"consume", "order-events", "--release-where", ".x"}, code: 2, msg: `--release-where needs --share-group`},
	{args: []string{"consume", "order-events", "--share-group", "order-workers", "--reject-where", ".["}, code: 2, msg: `--reject-where: `},

	// Admin.
	{args: []string{"cluster", "config", "get", "--broker", "7"}, code: 1, msg: `broker 7 is not in cluster`},
	{args: []string{"acl", "create", "--principal", "alice", "--operation", "READ", "--topic", "t"}, code: 2, msg: `principal "alice": want TYPE:NAME, as in User:alice or User:*`},
	{args: []string{"acl", "list", "--operation", "FLY"}, code: 2, msg: `unknown operation "FLY"`},
	{args: []string{"topic", "reassign", "order-events", "--broker-ids", "0,5"}, code: 1, msg: `broker 5 is not in cluster`},
	{args: []string{"user", "create", "carol", "--mechanism", "SCRAM-SHA-1", "--password-env", "X"}, code: 2, msg: `--mechanism "SCRAM-SHA-1": choose SCRAM-SHA-256 or SCRAM-SHA-512`},
	{args: []string{"topic", "delete-records", "order-events", "--before", "99999"}, code: 1, msg: `order-events[0]: offset 99999 is past the log end offset `},
	{args: []string{"topic", "elect-leaders", "nosuch"}, code: 1, msg: `topic "nosuch" not found on cluster`},
	{args: []string{"topic", "reassign", "--throttle", "1048576"}, code: 2, msg: `--throttle limits the moves of a reassignment: name it with TOPIC... --broker-ids 1,2,3 or --reassignment-json-file F, and --execute`},
	{args: []string{"topic", "reassign", "order-events", "--broker-ids", "0", "--verify", "--throttle", "1048576"}, code: 2, msg: `--throttle is set when --execute starts the moves`},

	// Transactions, quotas, client metrics, features, the quorum.
	{args: []string{"txn", "abort", "order-events:0", "--execute", "--yes"}, code: 1, msg: `no transaction is open on order-events[0]: nothing to abort`},
	{args: []string{"txn", "abort", "order-events"}, code: 2, msg: `"order-events": want one partition, as TOPIC:P (order-events:1)`},
	{args: []string{"txn", "find-hanging"}, code: 2, msg: `name where to look: TOPIC[:P,...]..., --broker N or --all-topics`},
	{args: []string{"txn", "list", "--state", "running"}, code: 2, msg: `--state: transaction state "running": use one of Empty, Ongoing, PrepareCommit`},
	{args: []string{"txn", "list", "--transactional-id-pattern", "orders-(.*"}, code: 2, msg: `--transactional-id-pattern "orders-(.*" is not a valid regular expression: missing closing ): ` + "`orders-(.*`"},
	{args: []string{"txn", "describe", "nosuch-tx"}, code: 1, msg: `transactional id "nosuch-tx" not found (0 transactional ids exist)`},
	{args: []string{"quota", "alter", "--name", "topic=order-events", "--add", "producer_byte_rate=1048576"}, code: 2, msg: `--name topic=order-events: unknown entity type "topic": quotas apply to user, client-id and ip`},
	{args: []string{"quota", "alter", "--name", "ip=10.0.0.7", "--add", "producer_byte_rate=1048576"}, code: 2, msg: `producer_byte_rate applies to user and client-id quotas, not to ip`},
	{args: []string{"quota", "alter", "--name", "user=alice", "--add", "producer_bytes=1"}, code: 2, msg: `unknown quota "producer_bytes"`},
	{args: []string{"client-metrics", "create", "m1", "--metrics", "*", "--match", "client=x"}, code: 2, msg: `--match "client=x": unknown selector "client"`},
	{args: []string{"client-metrics", "delete", "nosuch"}, code: 1, msg: `client metrics subscription "nosuch" not found (0 subscriptions exist)`},
	{args: []string{"cluster", "features", "upgrade", "--feature", "group.version=7"}, code: 1, msg: `group.version 7: the brokers support levels 0 to 1; nothing changed`},
	{args: []string{"cluster", "features", "upgrade", "--release-version", "5.1"}, code: 2, msg: `unknown Kafka release "5.1": known are 3.3, 3.4`},
	{args: []string{"cluster", "quorum"}, code: 1, msg: `the cluster does not offer DescribeQuorum (API key 55): the playground's broker (franz-go's kfake) does not implement it`},
}

// Every bad input of the catalogue exits with its code and says what is
// wrong; docs/exit-codes.md is the catalogue (go test ./cmd -run
// TestBadInputs -update rewrites it).
func TestBadInputs(t *testing.T) {
	b := startDemo(t)
	for i, c := range badInputs {
		t.Run(fmt.Sprintf("%02d", i), func(t *testing.T) {
			args := c.args
			if !c.noBrokers {
				args = b.args(args...)
			}
			if c.config != "" {
				path := tmpConfig(t)
				if err := os.WriteFile(path, []byte(strings.ReplaceAll(c.config, "BROKERS", b.addr)), 0o600); err != nil {
					t.Fatal(err)
				}
				args = append(args, "--config", path)
			} else {
				args = append(args, "--config", tmpConfig(t))
			}
			r := runIn(t, c.stdin, args...)
			if r.code != c.code || !strings.Contains(r.errOut, c.msg) {
				t.Errorf("streamctl %s: exit %d, want %d with %q\nstderr:\n%s", strings.Join(c.args, " "), r.code, c.code, c.msg, r.errOut)
			}
			// The line that says what is wrong is not buried: stderr
			// ends with it, or (usage errors only) with one line
			// pointing at --help, never with the usage text.
			lines := strings.Split(strings.TrimSuffix(r.errOut, "\n"), "\n")
			last := lines[len(lines)-1]
			if c.code == exitcode.Usage && len(lines) > 1 && strings.HasPrefix(last, "See '") && strings.HasSuffix(last, " --help' for usage.") {
				last = lines[len(lines)-2]
			}
			if c.code != 0 && !strings.Contains(last, c.msg) && !strings.HasPrefix(last, "error: ") && !strings.HasPrefix(last, "check failed: ") {
				t.Errorf("streamctl %s: stderr ends with %q, not with the error:\n%s", strings.Join(c.args, " "), last, r.errOut)
			}
		})
	}
	if len(badInputs) < 40 {
		t.Errorf("the catalogue has %d entries, want at least 40", len(badInputs))
	}
	path := filepath.Join("..", "docs", "exit-codes.md")
	if *update {
		if err := os.WriteFile(path, []byte(exitCodesDoc()), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if got, err := os.ReadFile(path); err != nil || string(got) != exitCodesDoc() {
		t.Errorf("docs/exit-codes.md is not the catalogue (%v): run go test ./cmd -run TestBadInputs -update", err)
	}
}

// exitCodesDoc is docs/exit-codes.md: the exit codes and the catalogue.
func exitCodesDoc() string {
	var b strings.Builder
	b.WriteString("# Exit codes\n\n")
	b.WriteString("<!-- Generated by cmd/badinput_test.go (go test ./cmd -run TestBadInputs -update): edit the table there. -->\n\n")
	b.WriteString("```\n" + exitcode.Help + "```\n\n")
	b.WriteString("## Bad inputs\n\n")
	b.WriteString("What streamctl says to a command line it cannot run, and the code it exits with. Every row\n")
	b.WriteString("is a test (TestBadInputs runs each against a playground broker with the demo data and\n")
	b.WriteString("checks the code and that stderr contains the message); rows not marked \"own brokers\" run\n")
	b.WriteString("with `--brokers` pointing at that broker, and \"config:\" is the config file a run reads\n")
	b.WriteString("(`--config`, ⏎ a new line; BROKERS in it is the test broker's address).\n\n")
	b.WriteString("| command | exit | message (part of stderr) |\n| --- | ---: | --- |\n")
	for _, c := range badInputs {
		cell := mdCode("streamctl " + shellQuote(c.args))
		if c.config != "" {
			cell += "<br>config: " + mdCode(strings.ReplaceAll(strings.TrimSpace(c.config), "\n", " ⏎ "))
		}
		if c.noBrokers {
			cell += " (own brokers)"
		}
		fmt.Fprintf(&b, "| %s | %d | %s |\n", cell, c.code, mdCode(c.msg))
	}
	return b.String()
}

// shellQuote joins args as a shell would need them typed.
func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"$*?[]{}()|&;<>\\!") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		if len(a) > 40 {
			a = a[:12] + "..." + fmt.Sprintf("(%d characters)", len(a))
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

// mdCode is s as inline code in a table cell.
func mdCode(s string) string {
	return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
}
