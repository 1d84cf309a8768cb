package wire

// Client quotas (KIP-546): DescribeClientQuotas and AlterClientQuotas.
// librdkafka has neither; franz-go sends them.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// QuotaEntityPart is one part of a quota entity: a user, a client id or an
// IP, by name, or the default of its type when Default.
type QuotaEntityPart struct {
	Type    string `json:"type" yaml:"type"` // user, client-id, ip (Kafka's names)
	Name    string `json:"name,omitempty" yaml:"name,omitempty"`
	Default bool   `json:"default,omitempty" yaml:"default,omitempty"`
}

// String is kafka-configs' way to name it: user 'alice', the default client-id.
func (p QuotaEntityPart) String() string {
	if p.Default {
		return "the default " + p.Type
	}
	return fmt.Sprintf("%s %q", p.Type, p.Name)
}

// QuotaEntity is what a quota applies to: a user, a client id, a user and
// client id together, or an IP, each by name or the default. Parts are
// in Kafka's order: user before client-id.
type QuotaEntity []QuotaEntityPart

func (e QuotaEntity) String() string {
	parts := make([]string, len(e))
	for i, p := range e {
		parts[i] = p.String()
	}
	return strings.Join(parts, " with ")
}

// QuotaEntry is an entity's quotas: Kafka's quota keys with their values
// (producer_byte_rate and consumer_byte_rate in bytes per second,
// request_percentage, controller_mutation_rate, connection_creation_rate).
type QuotaEntry struct {
	Entity QuotaEntity
	Values map[string]float64
}

// QuotaFilter matches quota entries: each part must be in an entry, by name,
// as its default, or (Any) either. Strict keeps only the entries with no
// other parts.
type QuotaFilter struct {
	Parts  []QuotaFilterPart
	Strict bool
}

// QuotaFilterPart is one condition of a filter.
type QuotaFilterPart struct {
	Type    string
	Name    string
	Default bool
	Any     bool
}

// DescribeClientQuotas returns the quota entries that match.
func (c *Conn) DescribeClientQuotas(ctx context.Context, f QuotaFilter) ([]QuotaEntry, error) {
	req := kmsg.NewPtrDescribeClientQuotasRequest()
	req.Strict = f.Strict
	for _, p := range f.Parts {
		comp := kmsg.NewDescribeClientQuotasRequestComponent()
		comp.EntityType = p.Type
		switch {
		case p.Any:
			comp.MatchType = kmsg.QuotasMatchTypeAny
		case p.Default:
			comp.MatchType = kmsg.QuotasMatchTypeDefault
		default:
			comp.MatchType, comp.Match = kmsg.QuotasMatchTypeExact, kmsg.StringPtr(p.Name)
		}
		req.Components = append(req.Components, comp)
	}
	var resp *kmsg.DescribeClientQuotasResponse
	err := c.request(ctx, "describing client quotas", func(ctx context.Context, cl *kgo.Client) (err error) {
		resp, err = req.RequestWith(ctx, cl)
		return unsupported(ctx, cl, req, err)
	})
	if err != nil {
		return nil, err
	}
	if err := codeError(resp.ErrorCode, resp.ErrorMessage); err != nil {
		return nil, fmt.Errorf("describing client quotas: %w", err)
	}
	out := make([]QuotaEntry, 0, len(resp.Entries))
	for _, e := range resp.Entries {
		entry := QuotaEntry{Values: map[string]float64{}}
		for _, p := range e.Entity {
			part := QuotaEntityPart{Type: p.Type, Default: p.Name == nil}
			if p.Name != nil {
				part.Name = *p.Name
			}
			entry.Entity = append(entry.Entity, part)
		}
		SortQuotaEntity(entry.Entity)
		for _, v := range e.Values {
			entry.Values[v.Key] = v.Value
		}
		out = append(out, entry)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Entity.String() < out[j].Entity.String() })
	return out, nil
}

// SortQuotaEntity puts an entity's parts in Kafka's order: user,
// client-id, ip.
func SortQuotaEntity(e QuotaEntity) {
	rank := map[string]int{"user": 0, "client-id": 1, "ip": 2}
	sort.SliceStable(e, func(i, j int) bool { return rank[e[i].Type] < rank[e[j].Type] })
}

// QuotaAlteration sets and removes quota keys of one entity.
type QuotaAlteration struct {
	Entity QuotaEntity
	Set    map[string]float64
	Remove []string
}

// AlterClientQuotas applies the alteration, or with validateOnly lets the
// brokers check it and changes nothing.
func (c *Conn) AlterClientQuotas(ctx context.Context, a QuotaAlteration, validateOnly bool) error {
	req := kmsg.NewPtrAlterClientQuotasRequest()
	req.ValidateOnly = validateOnly
	entry := kmsg.NewAlterClientQuotasRequestEntry()
	for _, p := range a.Entity {
		ent := kmsg.NewAlterClientQuotasRequestEntryEntity()
		ent.Type = p.Type
		if !p.Default {
			ent.Name = kmsg.StringPtr(p.Name)
		}
		entry.Entity = append(entry.Entity, ent)
	}
	for _, k := range sortedKeys(a.Set) {
		op := kmsg.NewAlterClientQuotasRequestEntryOp()
		op.Key, op.Value = k, a.Set[k]
		entry.Ops = append(entry.Ops, op)
	}
	for _, k := range a.Remove {
		op := kmsg.NewAlterClientQuotasRequestEntryOp()
		op.Key, op.Remove = k, true
		entry.Ops = append(entry.Ops, op)
	}
	req.Entries = []kmsg.AlterClientQuotasRequestEntry{entry}
	var resp *kmsg.AlterClientQuotasResponse
	what := "altering the quotas of " + a.Entity.String()
	err := c.request(ctx, what, func(ctx context.Context, cl *kgo.Client) (err error) {
		resp, err = req.RequestWith(ctx, cl)
		return unsupported(ctx, cl, req, err)
	})
	if err != nil {
		return err
	}
	for _, e := range resp.Entries {
		if err := codeError(e.ErrorCode, e.ErrorMessage); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}
