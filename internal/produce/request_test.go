package produce

import (
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/record"
)

// request is produce's flag defaults with a topic.
func request(change func(*Request)) *Request {
	r := &Request{Topic: "t", Format: "text", Acks: "all", Idempotent: true, Compression: "none",
		SubjectStrategy: "TopicName", KeySeparator: "\t", HeadersDelimiter: "\t", HeadersSeparator: ",",
		HeadersKeySeparator: ":", Value: SchemaSide{Version: -1}, Key: SchemaSide{Version: -1}}
	if change != nil {
		change(r)
	}
	return r
}

// Each combination produce refuses is a usage error (exit 2) naming the
// flags.
func TestRequestCheckRefusesWhatDoesNotGoTogether(t *testing.T) {
	for _, c := range []struct {
		change func(*Request)
		want   string
	}{
		{func(r *Request) { r.Format = "yaml" }, `--format "yaml": use text, json or raw`},
		{func(r *Request) { r.Topic = "" }, `name the TOPIC to write to`},
		{func(r *Request) { r.Acks = "1" }, `--acks 1 needs --idempotent=false`},
		{func(r *Request) { r.Rate = -1 }, `--rate must not be negative`},
		{func(r *Request) { r.Compression = "brotli" }, `--compression "brotli": use none, gzip, snappy, lz4, zstd`},
		{func(r *Request) { r.Format, r.ParseKey = "raw", true }, `--parse-key reads text lines; it does not apply to --format raw`},
		{func(r *Request) { r.Format, r.EmptyIsNull = "json", true }, `--empty-null reads text lines`},
		{func(r *Request) { r.HeaderFlags = []string{"=v"} }, `header "=v" has no name`},
		{func(r *Request) { r.KcatKeyDelim, r.FixedKeySet = ":", true }, `use one of them`},
		{func(r *Request) { r.Value.File, r.Value.Subject = "a.avsc", "s" }, `give --value-schema FILE or --value-subject SUBJECT, not both`},
		{func(r *Request) { r.Key.Version = 2 }, `a schema version needs --key-subject`},
		{func(r *Request) { r.Value.Message = "shop.Order" }, `a Protobuf message name needs --value-schema or --value-subject`},
		{func(r *Request) { r.Key.RefSpecs = []string{"a=b"} }, `references (--key-reference) go with a --key-schema file`},
		{func(r *Request) { r.Value.File, r.Value.RefSpecs = "a.avsc", []string{"shop.Money"} }, `--reference "shop.Money": want NAME=SUBJECT[:VERSION]`},
		{func(r *Request) { r.Value.Subject, r.Unframed = "s", true }, `--unframed writes without the registry: give --value-schema FILE, not --value-subject`},
		{func(r *Request) { r.SubjectStrategy = "Nope" }, `Nope`},
		{func(r *Request) { r.Value.File, r.Unframed, r.SubjectStrategy = "a.avsc", true, "RecordName" }, `--unframed registers nothing`},
		{func(r *Request) { r.Value.File, r.SchemaPaths = "a.avsc", []string{"dir"} }, `--schema-path goes with --unframed`},
	} {
		err := request(c.change).Check()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error with %q, got %v", c.want, err)
			continue
		}
		if code := exitcode.Of(err); code != exitcode.Usage {
			t.Errorf("%v: exit code %d, want %d (usage)", err, code, exitcode.Usage)
		}
	}
}

// Options carries the checked flags: -K splits keys, -H adds headers,
// --partition only when given, compression none is the producer's default.
func TestRequestOptions(t *testing.T) {
	r := request(func(r *Request) {
		r.KcatKeyDelim, r.HeaderFlags = ":", []string{"source=script"}
		r.Value.File, r.Value.RefSpecs = "order.avsc", []string{"shop.Money=money-value:2"}
	})
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	o := r.Options(0)
	if !o.Text.ParseKey || o.Text.KeySeparator != ":" || len(o.Text.Headers) != 1 {
		t.Errorf("text options %+v: want -K : and one -H header", o.Text)
	}
	if o.Partition != record.AnyPartition || o.Writer.Compression != "" {
		t.Errorf("partition %d, compression %q: want any and the default", o.Partition, o.Writer.Compression)
	}
	if o.Value == nil || o.Key != nil || len(o.Value.References) != 1 || o.Value.References[0].Version != 2 {
		t.Errorf("schema sides %+v / %+v", o.Value, o.Key)
	}
	r.PartitionSet, r.Partition = true, 0
	if o := r.Options(0); o.Partition != 0 {
		t.Errorf("--partition 0 gave %d", o.Partition)
	}
}
