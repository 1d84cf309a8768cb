package clientmetrics

import (
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/output"
)

// How subscriptions and plans show in tables.

// SubscriptionGrid is the subscriptions, one line each.
func SubscriptionGrid(subs []Subscription) *output.Grid {
	g := output.NewGrid("NAME", "METRICS", "INTERVAL", "MATCH")
	for _, s := range subs {
		metrics := strings.Join(s.Metrics, ",")
		if metrics == "" {
			metrics = "(none)"
		}
		var match []string
		for _, k := range Selectors {
			if v, ok := s.Match[k]; ok {
				match = append(match, k+"="+v)
			}
		}
		m := strings.Join(match, ",")
		if m == "" {
			m = "(every client)"
		}
		g.Row(s.Name, metrics, output.Millis(s.IntervalMs), m)
	}
	g.Empty = "No client metrics subscriptions."
	return g
}

// Grids are the plan's table: each config, now and after.
func (p *Plan) Grids(bool) []*output.Grid {
	g := output.NewGrid("NAME", "CONFIG", "CURRENT", "CHANGE")
	for _, ch := range p.Changes {
		cur, change := ch.Current, "set to "+ch.New
		if cur == "" {
			cur = "-"
		}
		if ch.New == "" {
			change = "reset: Kafka's default applies"
			if p.Operation == "delete" {
				change = "delete"
			}
		}
		if ch.Config == "interval.ms" && ch.New != "" {
			ms, _ := strconv.ParseInt(ch.New, 10, 64)
			change += " (" + output.Millis(ms) + ")"
		}
		g.Row(p.Name, ch.Config, cur, change)
	}
	return []*output.Grid{g}
}
