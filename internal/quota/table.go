package quota

import (
	"slices"
	"strings"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// How quotas show in tables.

// partName is how a table shows one part: the name, or <default>.
func partName(e kafka.QuotaEntity, typ string) string {
	i := slices.IndexFunc(e, func(p kafka.QuotaEntityPart) bool { return p.Type == typ })
	switch {
	case i < 0:
		return "-"
	case e[i].Default:
		return "<default>"
	}
	return e[i].Name
}

func entityCells(e kafka.QuotaEntity) []string {
	return []string{partName(e, User), partName(e, ClientID), partName(e, IP)}
}

// Grid is the quotas set on entities, one line per quota.
func Grid(entries []Entry) *output.Grid {
	g := output.NewGrid("USER", "CLIENT-ID", "IP", "QUOTA", "VALUE")
	for _, en := range entries {
		for _, k := range sortedKeys(en.Quotas) {
			g.Row(append(entityCells(en.Entity), k, Human(k, en.Quotas[k]))...)
		}
	}
	g.Empty = "No client quotas are set."
	return g
}

func sortedKeys(m Values) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Grids are the plan's table: each quota, now and after.
func (plan *AlterPlan) Grids(bool) []*output.Grid {
	g := output.NewGrid("USER", "CLIENT-ID", "IP", "QUOTA", "CURRENT", "CHANGE")
	for _, ch := range plan.Changes {
		cur, change := "-", "remove: the next quota in Kafka's precedence applies, if any"
		if ch.Current != nil {
			cur = Human(ch.Key, *ch.Current)
		}
		if ch.Operation == "set" {
			change = "set to " + Human(ch.Key, *ch.Value)
		}
		g.Row(append(entityCells(plan.Entity), ch.Key, cur, change)...)
	}
	return []*output.Grid{g}
}

// Grids are quota describe's tables: what is set on the entity, and what
// applies to it by Kafka's precedence.
func (d *Description) Grids(bool) []*output.Grid {
	own := Grid([]Entry{{Entity: d.Entity, Quotas: d.Quotas}})
	own.Title = "Quotas set on " + EntityString(d.Entity)
	own.Empty = "No quotas are set on " + EntityString(d.Entity) + "."
	applied := output.NewGrid("QUOTA", "VALUE", "FROM")
	applied.Title = "Quotas that apply"
	for _, a := range d.Applied {
		applied.Row(a.Key, Human(a.Key, a.Value), EntityString(a.From))
	}
	applied.Empty = "No quota applies: the clients are not limited."
	return []*output.Grid{own, applied}
}

// EntityString names an entity in a sentence, in single quotes.
func EntityString(e kafka.QuotaEntity) string { return strings.ReplaceAll(e.String(), `"`, "'") }
