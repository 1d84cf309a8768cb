package format

import (
	"strconv"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
)

// AppendRecordLine renders a record for people (consume -o table): topic,
// partition, offset, local timestamp, key and value, tab-separated, with
// tabs, newlines and backslashes in key and value escaped so that one record
// stays one line. A null key or value prints as "<null>".
func AppendRecordLine(dst []byte, r *kafka.Record) []byte {
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

// RecordLineHeader names the columns of AppendRecordLine.
const RecordLineHeader = "TOPIC\tPARTITION\tOFFSET\tTIMESTAMP\tKEY\tVALUE\n"

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
