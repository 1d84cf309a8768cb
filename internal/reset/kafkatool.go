package reset

// What kafka-consumer-groups --reset-offsets reads and writes that our
// grammar does not: its zone-less datetime, and the --export file.

import (
	"fmt"
	"time"

	"github.com/streamctl/streamctl/internal/position"
)

// ParseDatetime reads the forms of the position grammar, plus Kafka's
// zone-less 'YYYY-MM-DDTHH:mm:SS[.sss]', which its tool reads as local time.
func ParseDatetime(s string, now time.Time) (time.Time, error) {
	if t, err := position.ParseTime(s, now); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--to-datetime %q: want RFC3339 (2026-11-26T10:00:00Z), 2026-11-26T10:00:00.000 (local time), a date or unix time", s)
}

// Targets are the plan's new offsets, as --export writes them (the file
// --from-file reads).
func (p *Plan) Targets() []OffsetRow {
	rows := make([]OffsetRow, len(p.Rows))
	for i, r := range p.Rows {
		rows[i] = OffsetRow{Topic: r.Topic, Partition: r.Partition, Offset: r.New}
	}
	return rows
}
