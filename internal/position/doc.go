// Package position owns the grammar users type to say where to read a
// partition: consume --offset, replay --from/--to and group reset all take
// the same rpk-style positions and ranges, parse them here, and resolve them
// here to concrete offsets.
//
// Positions:
//
//	start, oldest, beginning, earliest   the log start offset
//	end, newest, latest                  the log end offset (high watermark)
//	N                                    exactly offset N
//	+N                                   log start + N
//	-N                                   log end - N (the last N records)
//	@T                                   the first record with timestamp >= T
//
// Times T: RFC3339 with a zone and an optional fraction
// (2026-11-26T10:00:00Z, 2026-11-26T10:00:00.123+01:00), a date (2026-11-26,
// midnight UTC), unix seconds (10 digits) or milliseconds (13 digits), or a
// duration ago (-1h30m, -7d, -PT1H). A time without a zone is refused rather than guessed.
//
// Durations, here and in group reset --by-duration (ParseDuration): ISO-8601
// as Kafka's tools read it (PT1H, P7D, P1DT2H30M, PT1.5S), days (7d, 1d12h:
// 24 hours each) or Go durations (1h30m, 90s).
//
// Ranges are A (from A, no end: follow new records) or A:B (from A up to, not
// including, B). An empty A means start and an empty B means no end, so
// ":end" is "start:end" and "10:" is "10", as in rpk. In a range whose start
// is a time, the end may be a bare duration: "d" or "+d" is the start plus d
// ("@2026-11-26:1h" is the first hour of that day) and "-d" is d ago, as
// "@-d" would be ("@-48h:-24h" is the day before yesterday's 24 hours). The
// separating colon is found lexically, so RFC3339 times keep their own colons
// ("@2026-11-26T10:00:00Z:@2026-11-26T11:00:00Z").
//
// Parsing needs the current time for relative times, which it turns into
// absolute ones: a parsed position no longer depends on the clock, and
// String prints it in canonical form (@ times in UTC RFC3339).
//
// Resolution is pure. A caller lists each partition's log start and end
// offsets once, before reading (which pins the end: a bounded read stops at
// the end that existed when it started), looks up the offsets of the times it
// needs, and resolves every partition before the first fetch. Offsets outside
// [log start, log end] are clamped and flagged so the command can say so on
// stderr. Because CreateTime is not monotonic within a partition, a bounded
// range with a time side is also a time window that each record is checked
// against (Range.InTimeWindow).
package position
