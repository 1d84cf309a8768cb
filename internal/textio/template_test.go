package textio

import (
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/record/recordtest"
)

func TestTemplate(t *testing.T) {
	rec := record.Record{
		Topic: "order-events", Partition: 2, Offset: 42,
		Timestamp: time.UnixMilli(1795705445123),
		Key:       []byte("order-17"), Value: []byte(`{"orderId":17}`),
		Headers: []record.Header{
			{Key: "source", Value: []byte("web")},
			{Key: "nullh"},
			{Key: "empt", Value: []byte{}},
			{Key: "source", Value: []byte("dup")},
		},
	}
	tombstone := record.Record{Topic: "customer-state", Key: nil, Value: nil, Offset: 7}
	empty := record.Record{Topic: "t", Key: []byte{}, Value: []byte{}}
	binary := record.Record{Value: []byte{0x00, 0xff, '\n'}}

	for _, tc := range []struct {
		name, format string
		rec          *record.Record
		want         string
	}{
		{"the kcat README example", `Topic %t[%p], offset: %o, key: %k, payload: %S bytes: %s\n`, &rec,
			"Topic order-events[2], offset: 42, key: order-17, payload: 14 bytes: {\"orderId\":17}\n"},
		{"timestamp", `%T`, &rec, "1795705445123"},
		{"no timestamp is -1, as librdkafka reports it", `%T`, &tombstone, "-1"},
		{"headers in order, repeats kept, null printed as NULL", `%h`, &rec, "source=web,nullh=NULL,empt=,source=dup"},
		{"no headers print nothing", `[%h]`, &tombstone, "[]"},
		{"lengths", `%K %S`, &rec, "8 14"},
		{"null key and value print nothing, lengths -1", `[%k][%s] %K %S`, &tombstone, "[][] -1 -1"},
		{"empty key and value, lengths 0", `[%k][%s] %K %S`, &empty, "[][] 0 0"},
		{"binary value as is", `%s`, &binary, "\x00\xff\n"},
		{"%R: big-endian length", `%R`, &rec, "\x00\x00\x00\x0e"},
		{"%R: -1 for null", `%R`, &tombstone, "\xff\xff\xff\xff"},
		{"percent", `100%% %o%%`, &rec, "100% 42%"},
		{"no tokens", `plain`, &rec, "plain"},
		{"empty format", ``, &rec, ""},
		{"escapes", `\n\r\t\\`, &rec, "\n\r\t\\"},
		{"hex", `\x41\x7e\xff\x1|`, &rec, "A~\xff\x01|"},
		{"hex stops after two digits", `\x414`, &rec, "A4"},
		{"decimal, as kcat's strtoul base 0", `\101\10\9`, &rec, "e\n\t"},
		{"decimal stops after three digits", `\1000`, &rec, "d0"},
		{"octal after a 0", `\0101\012\0`, &rec, "A\n\x00"},
		{"octal stops at a non-octal digit", `\08`, &rec, "\x008"},
		{"hex after \\0x", `\0x41`, &rec, "A"},
		{"any other escaped character is itself", `\q\"\'`, &rec, `q"'`},
		{"a trailing backslash is kept", `%o\`, &rec, `42\`},
		{"a backslash does not escape a percent", `\%o`, &rec, `\42`},
		{"non-ASCII literal text", `é✓ %k`, &rec, "é✓ order-17"},
		// The output of kcat 1.7 with the same format, produced with
		// kcat -P -K: -H h1=a -H nullh -H empt= -H h1=dup and consumed from
		// an embedded broker.
		{"kcat parity", `T=%t P=%p O=%o K=[%k] S=[%s] KL=%K SL=%S H=[%h] ts=%T pct=%% esc=\x41\101\0101\\\q|\n`,
			&record.Record{Topic: "fmt", Offset: 0, Key: []byte("k1"), Value: []byte("v1"), Timestamp: time.UnixMilli(1795708803114),
				Headers: []record.Header{{Key: "h1", Value: []byte("a")}, {Key: "nullh"}, {Key: "empt", Value: []byte{}}, {Key: "h1", Value: []byte("dup")}}},
			"T=fmt P=0 O=0 K=[k1] S=[v1] KL=2 SL=2 H=[h1=a,nullh=NULL,empt=,h1=dup] ts=1795708803114 pct=% esc=AeA\\q|\n"},
		{"kcat parity, -Z null key", `K=[%k] KL=%K S=[%s] SL=%S R=%R|\n`,
			&record.Record{Value: []byte("v5")}, "K=[] KL=-1 S=[v5] SL=2 R=\x00\x00\x00\x02|\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := CompileTemplate(tc.format)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(tmpl.Append(nil, tc.rec)); got != tc.want {
				t.Errorf("format %q: got %q, want %q", tc.format, got, tc.want)
			}
			// Append must append, not overwrite.
			if got := string(tmpl.Append([]byte("prefix|"), tc.rec)); got != "prefix|"+tc.want {
				t.Errorf("format %q with a prefix: got %q", tc.format, got)
			}
		})
	}
}

func TestCompileTemplateErrors(t *testing.T) {
	for _, tc := range []struct {
		format string
		want   []string
	}{
		{`%x`, []string{`unknown format token "%x" at position 1`, "%t %p %o %k %s %h %T %S %K %R %%"}},
		{`key=%k %Z`, []string{`unknown format token "%Z" at position 8`}},
		{`%é`, []string{`unknown format token "%é"`}},
		{`%`, []string{`ends with a lone %: write %% for a percent sign`}},
		{`value %s %`, []string{`ends with a lone %`}},
		{`\x`, []string{`position 1: \x needs one or two hex digits`}},
		{`ab\xzz`, []string{`position 3: \x needs one or two hex digits`}},
		{`\256`, []string{`escape \256 is above 255`}},
		{`\0777`, []string{`escape \0777 is above 255`}},
	} {
		_, err := CompileTemplate(tc.format)
		if err == nil {
			t.Errorf("CompileTemplate(%q): no error", tc.format)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("CompileTemplate(%q): %q does not contain %q", tc.format, err, w)
			}
		}
	}
}

func TestTemplateAppendAllocs(t *testing.T) {
	tmpl, err := CompileTemplate(`%t %p %o %T %k %s %K %S [%h]\n`)
	if err != nil {
		t.Fatal(err)
	}
	r := recordtest.Typical()
	buf := tmpl.Append(nil, &r)
	if n := testing.AllocsPerRun(100, func() { buf = tmpl.Append(buf[:0], &r) }); n != 0 {
		t.Errorf("Append allocates %v times per record into a reused buffer, want 0", n)
	}
}

func BenchmarkTemplateAppend(b *testing.B) {
	tmpl, err := CompileTemplate(`%t [%p] @%o %T key=%k %s (%S bytes) %h\n`)
	if err != nil {
		b.Fatal(err)
	}
	r := recordtest.Typical()
	buf := tmpl.Append(nil, &r)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = tmpl.Append(buf[:0], &r)
	}
}
