// Package dlq owns dead-letter queues: decoding the metadata frameworks put
// in DLQ record headers (one table of conventions), recognising DLQ topics,
// summarising failures, and the pipeline pieces that reprocess and drain a
// DLQ (routing back to the original topic, header stripping, poison
// records).
package dlq

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

// Metadata is what a DLQ record's headers say about its failure. Fields a
// convention does not carry stay empty (nil for numbers and times). The
// json/yaml names are a public contract.
type Metadata struct {
	// Convention names the framework that wrote the headers (see
	// Conventions), or "none" when no known header is present.
	Convention            string     `json:"convention" yaml:"convention"`
	OriginalTopic         string     `json:"original_topic" yaml:"original_topic"` // "" when unknown
	OriginalPartition     *int32     `json:"original_partition" yaml:"original_partition"`
	OriginalOffset        *int64     `json:"original_offset" yaml:"original_offset"`
	OriginalTimestamp     *time.Time `json:"original_timestamp" yaml:"original_timestamp"`
	OriginalTimestampType string     `json:"original_timestamp_type,omitempty" yaml:"original_timestamp_type,omitempty"`
	ConsumerGroup         string     `json:"consumer_group,omitempty" yaml:"consumer_group,omitempty"`
	ExceptionClass        string     `json:"exception_class" yaml:"exception_class"`
	ExceptionMessage      string     `json:"exception_message" yaml:"exception_message"`
	RootCauseClass        string     `json:"root_cause_class,omitempty" yaml:"root_cause_class,omitempty"`
	RootCauseMessage      string     `json:"root_cause_message,omitempty" yaml:"root_cause_message,omitempty"`
	// FailedPart is "key" when the exception is about the key (Spring's
	// key-deserialization headers), else empty.
	FailedPart string     `json:"failed_part,omitempty" yaml:"failed_part,omitempty"`
	Stage      string     `json:"stage,omitempty" yaml:"stage,omitempty"`             // Kafka Connect: TASK_PUT, VALUE_CONVERTER, ...
	Connector  string     `json:"connector,omitempty" yaml:"connector,omitempty"`     // Kafka Connect connector name
	Task       *int32     `json:"task,omitempty" yaml:"task,omitempty"`               // Kafka Connect task id
	Component  string     `json:"component,omitempty" yaml:"component,omitempty"`     // Kafka Connect: the class that failed (a converter, a task)
	Attempts   *int32     `json:"attempts,omitempty" yaml:"attempts,omitempty"`       // the framework's delivery attempts
	BackoffDue *time.Time `json:"backoff_due,omitempty" yaml:"backoff_due,omitempty"` // Spring retry topics: when the next attempt is due
	Stacktrace string     `json:"stacktrace,omitempty" yaml:"stacktrace,omitempty"`
	// ReprocessAttempts counts earlier redrives by streamctl (the
	// streamctl-reprocess-attempt header); 0 when never reprocessed.
	ReprocessAttempts int `json:"reprocess_attempts" yaml:"reprocess_attempts"`
	// Problems lists headers that were present but could not be decoded
	// (a wrong length, not a number), so nothing is dropped silently.
	Problems []string `json:"problems,omitempty" yaml:"problems,omitempty"`
	// From a Decoder, for StripDLQHeaders: bit i is set when header i
	// (of the headers decoded, at most 64) is one IsDLQHeader names.
	dlqAt    uint64
	dlqKnown bool
}

// StripDLQHeaders removes from hs, the headers m was decoded from, those
// IsDLQHeader names: what a reprocess strips.
func (m *Metadata) StripDLQHeaders(hs []record.Header) []record.Header {
	if !m.dlqKnown {
		return slices.DeleteFunc(hs, func(h record.Header) bool { return IsDLQHeader(h.Key) })
	}
	kept := hs[:0]
	for i, h := range hs {
		if m.dlqAt&(1<<i) == 0 {
			kept = append(kept, h)
		}
	}
	clear(hs[len(kept):])
	return kept
}

// AttemptHeader is the header streamctl adds to every record it
// reprocesses: how many times it has been sent back, as decimal text.
const AttemptHeader = "streamctl-reprocess-attempt"

// ConventionNone is the convention of a record with no known DLQ header.
const ConventionNone = "none"

// field is one Metadata field a header can fill.
type field int

const (
	fTopic field = iota
	fPartition
	fOffset
	fTimestamp
	fTimestampType
	fGroup
	fException
	fMessage
	fCause
	fCauseMessage
	fStacktrace
	fKeyException
	fKeyMessage
	fKeyStacktrace
	fStage
	fConnector
	fTask
	fComponent
	fAttempts
	fBackoff
	numFields // the number of fields
)

// encoding is how a header value is written.
type encoding int

const (
	text     encoding = iota // UTF-8
	int32BE                  // 4-byte big-endian int (Java int)
	int64BE                  // 8-byte big-endian long (Java long)
	msBE                     // 8-byte big-endian long, epoch milliseconds
	msBigInt                 // Java BigInteger.toByteArray(): variable-length two's complement, epoch ms
	decimal                  // an integer as UTF-8 decimal text
	smallInt                 // 4-byte big-endian int, or a single byte (both occur for retry_topic-attempts)
	anyInt                   // decimal text, or a 1, 2, 4 or 8-byte big-endian integer (hand-rolled headers)
)

// rule maps one header to a field.
type rule struct {
	header string
	field  field
	enc    encoding
	// first takes the first occurrence of a repeated header rather than
	// the last: in Spring's retry flow each hop appends its headers, and
	// the first kafka_original-* are the true source.
	first bool
}

// Convention is one framework's way of writing DLQ headers.
type Convention struct {
	Name      string // stable id, shown in output: "spring", "kafka-connect", ...
	Framework string // for people
	// Prefixes name the header families the convention owns: a reprocess
	// strips every header under them (and every header in rules).
	Prefixes []string
	rules    []rule
}

// Conventions is the one table of DLQ header conventions, from
// ../shared/reference/dlq-conventions.md. A header repeated in a record
// counts by its last occurrence (the newest), unless the rule says first.
var Conventions = []Convention{
	{
		Name: "spring", Framework: "Spring Kafka DeadLetterPublishingRecoverer (kafka_dlt-*)",
		Prefixes: []string{"kafka_dlt-"},
		rules: []rule{
			{header: "kafka_dlt-original-topic", field: fTopic, enc: text},
			{header: "kafka_dlt-original-partition", field: fPartition, enc: int32BE},
			{header: "kafka_dlt-original-offset", field: fOffset, enc: int64BE},
			{header: "kafka_dlt-original-timestamp", field: fTimestamp, enc: msBE},
			{header: "kafka_dlt-original-timestamp-type", field: fTimestampType, enc: text},
			{header: "kafka_dlt-original-consumer-group", field: fGroup, enc: text},
			{header: "kafka_dlt-exception-fqcn", field: fException, enc: text},
			{header: "kafka_dlt-exception-cause-fqcn", field: fCause, enc: text},
			{header: "kafka_dlt-exception-message", field: fMessage, enc: text},
			{header: "kafka_dlt-exception-stacktrace", field: fStacktrace, enc: text},
			{header: "kafka_dlt-key-exception-fqcn", field: fKeyException, enc: text},
			{header: "kafka_dlt-key-exception-message", field: fKeyMessage, enc: text},
			{header: "kafka_dlt-key-exception-stacktrace", field: fKeyStacktrace, enc: text},
		},
	},
	{
		Name: "spring-retry", Framework: "Spring Kafka @RetryableTopic (kafka_original-*, kafka_exception-*, retry_topic-*)",
		Prefixes: []string{"kafka_original-", "kafka_exception-", "kafka_key-exception-", "retry_topic-"},
		rules: []rule{
			{header: "kafka_original-topic", field: fTopic, enc: text, first: true},
			{header: "kafka_original-partition", field: fPartition, enc: int32BE, first: true},
			{header: "kafka_original-offset", field: fOffset, enc: int64BE, first: true},
			{header: "kafka_original-timestamp", field: fTimestamp, enc: msBE, first: true},
			{header: "kafka_original-timestamp-type", field: fTimestampType, enc: text, first: true},
			{header: "kafka_dlt-original-consumer-group", field: fGroup, enc: text, first: true},
			{header: "kafka_exception-fqcn", field: fException, enc: text},
			{header: "kafka_exception-cause-fqcn", field: fCause, enc: text},
			{header: "kafka_exception-message", field: fMessage, enc: text},
			{header: "kafka_exception-stacktrace", field: fStacktrace, enc: text},
			{header: "kafka_key-exception-fqcn", field: fKeyException, enc: text},
			{header: "kafka_key-exception-message", field: fKeyMessage, enc: text},
			{header: "kafka_key-exception-stacktrace", field: fKeyStacktrace, enc: text},
			{header: "retry_topic-attempts", field: fAttempts, enc: smallInt},
			{header: "retry_topic-original-timestamp", field: fTimestamp, enc: msBigInt, first: true},
			{header: "retry_topic-backoff-timestamp", field: fBackoff, enc: msBigInt},
		},
	},
	{
		Name: "kafka-connect", Framework: "Kafka Connect sink error handler (__connect.errors.*)",
		Prefixes: []string{"__connect.errors."},
		rules: []rule{
			{header: "__connect.errors.topic", field: fTopic, enc: text},
			{header: "__connect.errors.partition", field: fPartition, enc: decimal},
			{header: "__connect.errors.offset", field: fOffset, enc: decimal},
			{header: "__connect.errors.connector.name", field: fConnector, enc: text},
			{header: "__connect.errors.task.id", field: fTask, enc: decimal},
			{header: "__connect.errors.stage", field: fStage, enc: text},
			{header: "__connect.errors.class.name", field: fComponent, enc: text},
			{header: "__connect.errors.exception.class.name", field: fException, enc: text},
			{header: "__connect.errors.exception.message", field: fMessage, enc: text},
			{header: "__connect.errors.exception.stacktrace", field: fStacktrace, enc: text},
		},
	},
	{
		Name: "kafka-streams", Framework: "Kafka Streams dead-letter queue, KIP-1034 (__streams.errors.*)",
		Prefixes: []string{"__streams.errors."},
		rules: []rule{
			{header: "__streams.errors.topic", field: fTopic, enc: text},
			{header: "__streams.errors.partition", field: fPartition, enc: decimal},
			{header: "__streams.errors.offset", field: fOffset, enc: decimal},
			{header: "__streams.errors.exception", field: fException, enc: text},
			{header: "__streams.errors.message", field: fMessage, enc: text},
			{header: "__streams.errors.stacktrace", field: fStacktrace, enc: text},
		},
	},
	{
		Name: "share-group", Framework: "Kafka share-group dead-letter queue, KIP-1191 (__dlq.errors.*)",
		Prefixes: []string{"__dlq.errors."},
		rules: []rule{
			{header: "__dlq.errors.topic", field: fTopic, enc: text},
			{header: "__dlq.errors.partition", field: fPartition, enc: decimal},
			{header: "__dlq.errors.offset", field: fOffset, enc: decimal},
			{header: "__dlq.errors.group", field: fGroup, enc: text},
			{header: "__dlq.errors.delivery.count", field: fAttempts, enc: decimal},
			{header: "__dlq.errors.message", field: fMessage, enc: text},
		},
	},
	{
		Name: "smallrye", Framework: "SmallRye Reactive Messaging / Quarkus dead-letter-queue (dead-letter-*)",
		Prefixes: []string{"dead-letter-"},
		rules: []rule{
			{header: "dead-letter-topic", field: fTopic, enc: text},
			{header: "dead-letter-partition", field: fPartition, enc: decimal},
			{header: "dead-letter-offset", field: fOffset, enc: decimal},
			{header: "dead-letter-exception-class-name", field: fException, enc: text},
			{header: "dead-letter-reason", field: fMessage, enc: text},
			{header: "dead-letter-cause-class-name", field: fCause, enc: text},
			{header: "dead-letter-cause", field: fCauseMessage, enc: text},
		},
	},
	{
		// Karafka's names are generic (source_*), so only these exact
		// headers belong to it: no prefix.
		Name: "karafka", Framework: "Karafka dead letter queue (source_*)",
		rules: []rule{
			{header: "source_topic", field: fTopic, enc: text},
			{header: "source_partition", field: fPartition, enc: decimal},
			{header: "source_offset", field: fOffset, enc: decimal},
			{header: "source_consumer_group", field: fGroup, enc: text},
			{header: "source_attempts", field: fAttempts, enc: decimal},
		},
	},
	{
		Name: "x-original", Framework: "hand-rolled x-original-* / x-exception-* headers",
		rules: []rule{
			{header: "x-original-topic", field: fTopic, enc: text},
			{header: "x-original-partition", field: fPartition, enc: anyInt},
			{header: "x-original-offset", field: fOffset, enc: anyInt},
			{header: "x-original-timestamp", field: fTimestamp, enc: anyInt},
			{header: "x-exception-class", field: fException, enc: text},
			{header: "x-exception-message", field: fMessage, enc: text},
			{header: "x-exception-stacktrace", field: fStacktrace, enc: text},
			{header: "x-retry-count", field: fAttempts, enc: anyInt},
		},
	},
}

// ruleRef locates a rule in the table; id numbers every rule of every
// convention, so Decode can keep per-rule state in a slice.
type ruleRef struct{ conv, rule, id int }

// ruleBase is the id of each convention's first rule; numRules counts them all.
var ruleBase, numRules = func() ([]int, int) {
	base, n := make([]int, len(Conventions)), 0
	for ci, c := range Conventions {
		base[ci] = n
		n += len(c.rules)
	}
	return base, n
}()

// byHeader indexes every rule by header name (a name can serve two
// conventions, as kafka_dlt-original-consumer-group does).
var byHeader = func() map[string][]ruleRef {
	m := map[string][]ruleRef{}
	id := 0
	for ci, c := range Conventions {
		for ri, r := range c.rules {
			m[r.header] = append(m[r.header], ruleRef{ci, ri, id})
			id++
		}
	}
	return m
}()

// stackOr returns buf[:n], or a new slice when buf is too short.
func stackOr(buf []int, n int) []int {
	if n <= len(buf) {
		return buf[:n]
	}
	return make([]int, n)
}

// Decode reads the DLQ metadata from a record's headers. Every convention
// whose headers are present contributes; the one whose headers come last
// in the record (frameworks append their headers, so the newest hop) names
// the convention and wins where two disagree, the others fill the gaps (a
// Spring record in a retry flow has kafka_dlt-* and retry_topic-* headers).
// A record with no known header decodes to convention "none".
func Decode(headers []record.Header) Metadata { return (*Decoder)(nil).Decode(headers) }

// Decoder decodes the headers of record after record, as a reprocess
// does. The records of one producer carry the same header names in the
// same order, and many the same texts (topic, group, exception class): it
// keeps the last record's names by place, with their rules, and its text
// values by field, and reuses them where they match instead of looking
// names up and allocating strings again (a fifth of a reprocess's time
// went to that). Its results are Decode's, plus which headers a reprocess
// strips (StripDLQHeaders). The zero Decoder is ready; a nil one keeps
// nothing; one goroutine at a time.
type Decoder struct {
	names []knownName
	texts [numFields]string
}

// knownName is a header name with its rules, and whether a reprocess
// strips it (IsDLQHeader).
type knownName struct {
	name string
	refs []ruleRef
	dlq  bool
}

// name looks up the header name at place i.
func (dec *Decoder) name(i int, name string) ([]ruleRef, bool) {
	if dec == nil {
		return byHeader[name], false
	}
	if i < len(dec.names) && dec.names[i].name == name {
		return dec.names[i].refs, dec.names[i].dlq
	}
	k := knownName{name: name, refs: byHeader[name], dlq: IsDLQHeader(name)}
	if i < len(dec.names) {
		dec.names[i] = k
	} else if i == len(dec.names) {
		dec.names = append(dec.names, k)
	}
	return k.refs, k.dlq
}

// text is v as a string, the last one of field f when they are equal.
func (dec *Decoder) text(f field, v []byte) string {
	if dec == nil {
		return string(v)
	}
	if dec.texts[f] != string(v) {
		dec.texts[f] = string(v)
	}
	return dec.texts[f]
}

// Decode is the package's Decode, remembering for the next record.
func (dec *Decoder) Decode(headers []record.Header) Metadata {
	d := decoding{Metadata: Metadata{Convention: ConventionNone}, dec: dec}
	m := &d.Metadata
	m.dlqKnown = dec != nil && len(headers) <= 64
	// The occurrence of each rule's header to use (by rule id, -1: absent),
	// and how recently each convention wrote a header. Slices, not maps:
	// reprocess decodes every record.
	var chosenBuf [128]int // on the stack while the table is this small
	var latestBuf, orderBuf [16]int
	chosen, latest := stackOr(chosenBuf[:], numRules), stackOr(latestBuf[:], len(Conventions))
	for i := range chosen {
		chosen[i] = -1
	}
	for i := range latest {
		latest[i] = -1
	}
	for i, h := range headers {
		refs, dlq := dec.name(i, h.Key)
		if dlq && m.dlqKnown {
			m.dlqAt |= 1 << i
		}
		if h.Key == AttemptHeader {
			if n, err := strconv.Atoi(strings.TrimSpace(string(h.Value))); err == nil && n > 0 {
				m.ReprocessAttempts = n // the last occurrence is the newest
			}
			continue
		}
		for _, ref := range refs {
			latest[ref.conv] = i
			if chosen[ref.id] < 0 || !Conventions[ref.conv].rules[ref.rule].first {
				chosen[ref.id] = i
			}
		}
	}
	// Conventions in order of recency: the newest decodes first and wins.
	order := stackOr(orderBuf[:], len(Conventions))[:0]
	for ci := range Conventions {
		if latest[ci] >= 0 {
			order = append(order, ci)
		}
	}
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && latest[order[j]] > latest[order[j-1]]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	if len(order) > 0 {
		m.Convention = Conventions[order[0]].Name
	}
	var filled [numFields]bool
	for _, ci := range order {
		rules := Conventions[ci].rules
		for ri := range rules {
			r := &rules[ri]
			idx := chosen[ruleBase[ci]+ri]
			if idx < 0 || filled[r.field] {
				continue
			}
			v := headers[idx].Value
			if v == nil {
				continue // a null header value (Connect writes one for a missing message)
			}
			if err := d.set(r.field, r.enc, v); err != nil {
				m.Problems = append(m.Problems, fmt.Sprintf("%s: %v", r.header, err))
				continue
			}
			filled[r.field] = true
		}
	}
	if m.ExceptionClass == "" && d.keyException != "" {
		m.ExceptionClass, m.ExceptionMessage, m.FailedPart = d.keyException, d.keyMessage, "key"
		if m.Stacktrace == "" {
			m.Stacktrace = d.keyStacktrace
		}
	}
	return d.Metadata
}

// decoding is Metadata being filled, plus the key-exception headers that
// stand in for the value's exception when it has none.
type decoding struct {
	Metadata
	keyException, keyMessage, keyStacktrace string
	dec                                     *Decoder
}

// set decodes v into field f.
func (d *decoding) set(f field, enc encoding, v []byte) error {
	m := &d.Metadata
	switch enc {
	case text:
		s := d.dec.text(f, v)
		switch f {
		case fTopic:
			m.OriginalTopic = s
		case fTimestampType:
			m.OriginalTimestampType = s
		case fGroup:
			m.ConsumerGroup = s
		case fException:
			m.ExceptionClass = s
		case fMessage:
			m.ExceptionMessage = s
		case fCause:
			m.RootCauseClass = s
		case fCauseMessage:
			m.RootCauseMessage = s
		case fStacktrace:
			m.Stacktrace = s
		case fKeyException:
			d.keyException = s
		case fKeyMessage:
			d.keyMessage = s
		case fKeyStacktrace:
			d.keyStacktrace = s
		case fStage:
			m.Stage = s
		case fConnector:
			m.Connector = s
		case fComponent:
			m.Component = s
		}
		return nil
	}
	n, err := decodeInt(enc, v)
	if err != nil {
		return err
	}
	switch f {
	case fPartition, fTask, fAttempts:
		if n < -1<<31 || n > 1<<31-1 {
			return fmt.Errorf("%d does not fit a 32-bit int", n)
		}
		p := int32(n)
		switch f {
		case fPartition:
			m.OriginalPartition = &p
		case fTask:
			m.Task = &p
		default:
			m.Attempts = &p
		}
	case fOffset:
		m.OriginalOffset = &n
	case fTimestamp, fBackoff:
		t := time.UnixMilli(n).UTC()
		if f == fTimestamp {
			m.OriginalTimestamp = &t
		} else {
			m.BackoffDue = &t
		}
	}
	return nil
}

// decodeInt reads an integer header value in one of the number encodings.
func decodeInt(enc encoding, v []byte) (int64, error) {
	switch enc {
	case int32BE:
		if len(v) != 4 {
			return 0, fmt.Errorf("%d bytes, want a 4-byte big-endian int", len(v))
		}
		return int64(int32(binary.BigEndian.Uint32(v))), nil
	case int64BE, msBE:
		if len(v) != 8 {
			return 0, fmt.Errorf("%d bytes, want an 8-byte big-endian long", len(v))
		}
		return int64(binary.BigEndian.Uint64(v)), nil
	case smallInt:
		switch len(v) {
		case 1:
			return int64(int8(v[0])), nil
		case 4:
			return int64(int32(binary.BigEndian.Uint32(v))), nil
		}
		return 0, fmt.Errorf("%d bytes, want a 4-byte big-endian int or 1 byte", len(v))
	case msBigInt:
		return bigInt(v)
	case decimal:
		n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a decimal number", v)
		}
		return n, nil
	case anyInt:
		if n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64); err == nil {
			return n, nil
		}
		switch len(v) {
		case 1:
			return int64(int8(v[0])), nil
		case 2:
			return int64(int16(binary.BigEndian.Uint16(v))), nil
		case 4:
			return int64(int32(binary.BigEndian.Uint32(v))), nil
		case 8:
			return int64(binary.BigEndian.Uint64(v)), nil
		}
		return 0, fmt.Errorf("%q is neither a decimal number nor a 1, 2, 4 or 8-byte integer", v)
	}
	return 0, fmt.Errorf("not a number encoding")
}

// bigInt reads Java's BigInteger.toByteArray(): big-endian two's
// complement in as few bytes as the value needs (at least one).
func bigInt(v []byte) (int64, error) {
	if len(v) == 0 {
		return 0, fmt.Errorf("empty, want a BigInteger")
	}
	n := new(big.Int).SetBytes(v)
	if v[0]&0x80 != 0 { // negative: subtract 2^(8*len)
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(v))))
	}
	if !n.IsInt64() {
		return 0, fmt.Errorf("BigInteger of %d bytes does not fit a long", len(v))
	}
	return n.Int64(), nil
}

// IsDLQHeader reports whether a header belongs to a DLQ convention (or is
// streamctl's attempt header): what a reprocess strips by default.
func IsDLQHeader(key string) bool {
	if key == AttemptHeader {
		return true
	}
	if _, ok := byHeader[key]; ok {
		return true
	}
	for _, c := range Conventions {
		for _, p := range c.Prefixes {
			if strings.HasPrefix(key, p) {
				return true
			}
		}
	}
	return false
}
