package textio

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/streamctl/streamctl/internal/record"
)

// AppendRecordLine renders a record for people (consume -o table): topic,
// partition, offset, local timestamp, key and value, tab-separated, with
// tabs, newlines and backslashes in key and value escaped so that one record
// stays one line. A null key or value prints as "<null>".
func AppendRecordLine(dst []byte, r *record.Record) []byte {
	dst = append(dst, r.Topic...)
	dst = append(dst, '\t')
	dst = strconv.AppendInt(dst, int64(r.Partition), 10)
	dst = append(dst, '\t')
	dst = strconv.AppendInt(dst, r.Offset, 10)
	dst = append(dst, '\t')
	dst = r.Timestamp.Local().AppendFormat(dst, time.DateTime+".000")
	dst = append(dst, '\t')
	dst = appendEscapedField(dst, r.Key)
	dst = append(dst, '\t')
	dst = appendEscapedField(dst, r.Value)
	return append(dst, '\n')
}

func appendEscapedField(dst, b []byte) []byte {
	if b == nil {
		return append(dst, "<null>"...)
	}
	for _, c := range b {
		switch c {
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\\':
			dst = append(dst, '\\', '\\')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// RecordTable renders records for people on a terminal: AppendRecordLine's
// columns padded to widths known before the first record (the longest topic
// name, the widest partition number and offset), the key cut at a fixed
// width and the value at the terminal's edge, so that each record is one
// aligned line. Off a terminal, records stay tab-separated lines that cut
// and awk can split (AppendRecordLine).
type RecordTable struct {
	topic, partition, offset int
	width                    int // of the terminal; 0: no cut
}

// recordKeyWidth is where a key is cut: ids and names fit, and the value
// keeps most of the line.
const recordKeyWidth = 20

// recordGap separates the columns, as in the other tables.
const recordGap = "   "

// NewRecordTable sizes the columns for records of these topics, partitions
// up to maxPartition and offsets up to maxOffset, on a terminal width
// columns wide.
func NewRecordTable(topics []string, maxPartition int32, maxOffset int64, width int) *RecordTable {
	t := &RecordTable{topic: len("TOPIC"), partition: len("PARTITION"), offset: len("OFFSET"), width: width}
	for _, name := range topics {
		t.topic = max(t.topic, utf8.RuneCountInString(name))
	}
	t.partition = max(t.partition, len(strconv.Itoa(int(maxPartition))))
	t.offset = max(t.offset, len(strconv.FormatInt(maxOffset, 10)))
	return t
}

// Header names the columns, padded like the records.
func (t *RecordTable) Header() string {
	return string(t.line(nil, []byte("TOPIC"), []byte("PARTITION"), []byte("OFFSET"), []byte("TIMESTAMP"), []byte("KEY"), []byte("VALUE")))
}

// Append renders r as one line onto dst.
func (t *RecordTable) Append(dst []byte, r *record.Record) []byte {
	var num [40]byte
	p := strconv.AppendInt(num[:0], int64(r.Partition), 10)
	o := strconv.AppendInt(num[len(p):len(p)], r.Offset, 10)
	ts := r.Timestamp.Local().AppendFormat(num[len(p)+len(o):len(p)+len(o)], time.DateTime+".000")
	return t.line(dst, []byte(r.Topic), p, o, ts, appendEscapedField(nil, r.Key), appendEscapedField(nil, r.Value))
}

func (t *RecordTable) line(dst, topic, partition, offset, ts, key, value []byte) []byte {
	start := len(dst)
	dst = pad(dst, topic, t.topic)
	dst = append(dst, recordGap...)
	dst = padLeft(dst, partition, t.partition)
	dst = append(dst, recordGap...)
	dst = padLeft(dst, offset, t.offset)
	dst = append(dst, recordGap...)
	dst = pad(dst, ts, len(time.DateTime+".000"))
	dst = append(dst, recordGap...)
	dst = pad(dst, cut(key, recordKeyWidth), recordKeyWidth)
	dst = append(dst, recordGap...)
	if t.width > 0 {
		used := utf8.RuneCount(dst[start:])
		value = cut(value, max(t.width-used, 1))
	}
	dst = append(dst, value...)
	return append(dst, '\n')
}

// pad appends b and spaces up to width runes; padLeft puts the spaces first.
func pad(dst, b []byte, width int) []byte {
	dst = append(dst, b...)
	for n := utf8.RuneCount(b); n < width; n++ {
		dst = append(dst, ' ')
	}
	return dst
}

func padLeft(dst, b []byte, width int) []byte {
	for n := utf8.RuneCount(b); n < width; n++ {
		dst = append(dst, ' ')
	}
	return append(dst, b...)
}

// cut shortens b to at most n runes, the last one an ellipsis when it cut.
func cut(b []byte, n int) []byte {
	if utf8.RuneCount(b) <= n {
		return b
	}
	i := 0
	for range n - 1 {
		_, size := utf8.DecodeRune(b[i:])
		i += size
	}
	return append(b[:i:i], "…"...)
}
