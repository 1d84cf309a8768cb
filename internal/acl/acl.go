// Package acl turns kafka-acls' selectors into the ACL bindings acl create
// makes and the filters acl list and acl delete match, with Kafka's rules
// for what an ACL may say (AclEntry.supportedOperations), and shows ACLs as
// a table.
package acl

import (
	"slices"
	"strings"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// Spec is the selectors, in kafka-acls' terms. Every one is a list: a
// filter matches their combinations (an unset one matches anything),
// create makes every combination.
type Spec struct {
	Principals       []string
	Hosts            []string
	Operations       []string
	Permission       string
	Topics           []string
	Groups           []string
	TransactionalIDs []string
	Cluster          bool
	PatternType      string
}

type resource struct{ typ, name string }

func (fl *Spec) resources() ([]resource, error) {
	var out []resource
	for _, set := range []struct {
		typ   string
		flag  string
		names []string
	}{{"TOPIC", "--topic", fl.Topics}, {"GROUP", "--group", fl.Groups}, {"TRANSACTIONAL_ID", "--transactional-id", fl.TransactionalIDs}} {
		for _, n := range set.names {
			if strings.TrimSpace(n) == "" {
				return nil, exitcode.UsageError("%s needs a name (or * for every %s)", set.flag, strings.ToLower(strings.ReplaceAll(set.typ, "_", " ")))
			}
			out = append(out, resource{set.typ, n})
		}
	}
	if fl.Cluster {
		out = append(out, resource{"CLUSTER", kafka.ClusterResourceName})
	}
	return out, nil
}

// check returns the flags' names in Kafka's spelling, or a usage error.
func (fl *Spec) check() (ops []string, permission, pattern string, err error) {
	for _, p := range fl.Principals {
		if err := kafka.CheckPrincipal(p); err != nil {
			return nil, "", "", exitcode.WithCode(exitcode.Usage, err)
		}
	}
	for _, o := range fl.Operations {
		n, err := kafka.CheckACLName("operation", o, kafka.ACLOperations)
		if err != nil {
			return nil, "", "", exitcode.WithCode(exitcode.Usage, err)
		}
		if !slices.Contains(ops, n) {
			ops = append(ops, n)
		}
	}
	if fl.Permission != "" {
		if permission, err = kafka.CheckACLName("permission", fl.Permission, kafka.ACLPermissions); err != nil {
			return nil, "", "", exitcode.WithCode(exitcode.Usage, err)
		}
	}
	if fl.PatternType != "" {
		if pattern, err = kafka.CheckACLName("pattern type", fl.PatternType, kafka.ACLPatternTypes); err != nil {
			return nil, "", "", exitcode.WithCode(exitcode.Usage, err)
		}
	}
	return ops, permission, pattern, nil
}

// Filters are the ACL filters the flags stand for: every combination of
// the repeated flags, an unset one matching anything.
func (fl *Spec) Filters() ([]kafka.ACLFilter, error) {
	ops, permission, pattern, err := fl.check()
	if err != nil {
		return nil, err
	}
	res, err := fl.resources()
	if err != nil {
		return nil, err
	}
	if len(res) == 0 {
		if pattern == "" {
			pattern = "ANY" // kafka-acls --list with no resource: every ACL
		}
		res = []resource{{}}
	} else if pattern == "" {
		pattern = "LITERAL" // kafka-acls' default
	}
	var out []kafka.ACLFilter
	for _, r := range res {
		for _, p := range orAny(fl.Principals) {
			for _, h := range orAny(fl.Hosts) {
				for _, o := range orAny(ops) {
					out = append(out, kafka.ACLFilter{Principal: p, Host: h, Operation: o, Permission: permission,
						ResourceType: r.typ, ResourceName: r.name, PatternType: pattern})
				}
			}
		}
	}
	return out, nil
}

func orAny(s []string) []string {
	if len(s) == 0 {
		return []string{""}
	}
	return s
}

// supportedOperations are the operations Kafka's ACLs mean something for on
// each resource type (AclEntry.supportedOperations), besides ALL;
// kafka-acls refuses the others, and so does create.
var supportedOperations = map[string][]string{
	"TOPIC":            {"READ", "WRITE", "CREATE", "DESCRIBE", "DELETE", "ALTER", "DESCRIBE_CONFIGS", "ALTER_CONFIGS"},
	"GROUP":            {"READ", "DESCRIBE", "DELETE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS"},
	"CLUSTER":          {"CREATE", "CLUSTER_ACTION", "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "IDEMPOTENT_WRITE", "ALTER", "DESCRIBE"},
	"TRANSACTIONAL_ID": {"DESCRIBE", "WRITE"},
}

// Bindings are the ACLs create makes: every combination of the flags.
func (fl *Spec) Bindings() ([]kafka.ACL, error) {
	ops, permission, pattern, err := fl.check()
	if err != nil {
		return nil, err
	}
	res, err := fl.resources()
	if err != nil {
		return nil, err
	}
	switch {
	case len(fl.Principals) == 0:
		return nil, exitcode.UsageError("name who: --principal User:NAME (repeatable)")
	case len(ops) == 0:
		return nil, exitcode.UsageError("name what: --operation (%s)", strings.ToLower(strings.Join(kafka.ACLOperations, ", ")))
	case len(res) == 0:
		return nil, exitcode.UsageError("name the resource: --topic, --group, --transactional-id or --cluster")
	case pattern != "LITERAL" && pattern != "PREFIXED":
		return nil, exitcode.UsageError("--pattern-type %s is for matching (acl list, acl delete); an ACL is literal or prefixed", strings.ToLower(pattern))
	}
	var out []kafka.ACL
	for _, r := range res {
		if r.typ == "CLUSTER" && pattern == "PREFIXED" {
			return nil, exitcode.UsageError("the cluster resource has one name (kafka-cluster): --pattern-type prefixed does not apply to it")
		}
		for _, o := range ops {
			if o != "ALL" && !slices.Contains(supportedOperations[r.typ], o) {
				return nil, exitcode.UsageError("operation %s does not apply to a %s; it takes %s or ALL", o, r.typ, strings.Join(supportedOperations[r.typ], ", "))
			}
		}
		for _, p := range fl.Principals {
			for _, h := range orDefault(fl.Hosts, "*") {
				for _, o := range ops {
					out = append(out, kafka.ACL{Principal: p, Host: h, Operation: o, Permission: permission,
						ResourceType: r.typ, ResourceName: r.name, PatternType: pattern})
				}
			}
		}
	}
	kafka.SortACLs(out)
	return out, nil
}

func orDefault(s []string, def string) []string {
	if len(s) == 0 {
		return []string{def}
	}
	return s
}

// Grid is ACLs as a table; status, when given, adds a column.
func Grid(acls []kafka.ACL, status func(i int) string) *output.Grid {
	g := output.NewGrid("PRINCIPAL", "HOST", "OPERATION", "PERMISSION", "RESOURCE-TYPE", "RESOURCE-NAME", "PATTERN-TYPE")
	if status != nil {
		g.Header = append(g.Header, "STATUS")
	}
	g.Empty = "No ACLs match."
	for i, a := range acls {
		row := []string{a.Principal, a.Host, a.Operation, a.Permission, a.ResourceType, a.ResourceName, a.PatternType}
		if status != nil {
			row = append(row, status(i))
		}
		g.Row(row...)
	}
	return g
}
