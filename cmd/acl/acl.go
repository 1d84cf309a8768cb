// Package acl holds the `streamctl acl` commands: Kafka's access control
// lists, with kafka-acls' vocabulary and filter semantics.
package acl

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// NewCmd returns `streamctl acl`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:     "acl",
		Aliases: []string{"acls"},
		Short:   "List, create and delete ACLs (Kafka's access control lists)",
		Long: `List, create and delete ACLs, with kafka-acls' words and semantics. An ACL
allows or denies a principal (User:alice) an operation (READ, WRITE, ..., ALL)
from a host (* for any) on a resource: a topic, a group, the cluster or a
transactional id, named literally or by a prefix (--pattern-type PREFIXED).
The name * on a LITERAL ACL means every resource of its type.

The cluster needs an authorizer (authorizer.class.name, StandardAuthorizer on
KRaft) to keep ACLs; without one every request says so.`,
	})
	cmd.AddCommand(newCmdList(f), newCmdCreate(f), newCmdDelete(f))
	return cmd
}

// Flags are the selectors create, list and delete share, in kafka-acls'
// terms. Every flag is repeatable; list and delete match the combinations
// (an unset flag matches anything), create makes every combination.
type Flags struct {
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

func (fl *Flags) add(cmd *cobra.Command, f *cmdutil.Factory, filter bool) {
	p := cmd.Flags()
	p.StringArrayVar(&fl.Principals, "principal", nil, "principal TYPE:NAME, as User:alice or User:*; repeatable")
	p.StringArrayVar(&fl.Hosts, "host", nil, "host the principal connects from (* for any); repeatable")
	p.StringSliceVar(&fl.Operations, "operation", nil, "operation: "+strings.ToLower(strings.Join(kafka.ACLOperations, ", "))+"; repeatable or comma-separated")
	p.StringArrayVar(&fl.Topics, "topic", nil, "a topic resource; repeatable")
	p.StringArrayVar(&fl.Groups, "group", nil, "a consumer group resource; repeatable")
	p.StringArrayVar(&fl.TransactionalIDs, "transactional-id", nil, "a transactional id resource; repeatable")
	p.BoolVar(&fl.Cluster, "cluster", false, "the cluster resource (kafka-cluster)")
	if filter {
		p.StringVar(&fl.Permission, "permission", "", "allow or deny (default: both)")
		p.StringVar(&fl.PatternType, "pattern-type", "", "literal, prefixed, any or match (default: literal with a resource flag, any without)")
	} else {
		p.StringVar(&fl.Permission, "permission", "allow", "allow or deny")
		p.StringVar(&fl.PatternType, "pattern-type", "literal", "literal or prefixed: the resource name is a name, or a prefix of names")
	}
	_ = cmd.RegisterFlagCompletionFunc("topic", cmdutil.CompleteTopics(f))
	_ = cmd.RegisterFlagCompletionFunc("group", cmdutil.CompleteGroups(f))
	_ = cmd.RegisterFlagCompletionFunc("operation", lower(kafka.ACLOperations))
	_ = cmd.RegisterFlagCompletionFunc("permission", lower(kafka.ACLPermissions))
	if filter {
		_ = cmd.RegisterFlagCompletionFunc("pattern-type", lower(kafka.ACLPatternTypes))
	} else {
		_ = cmd.RegisterFlagCompletionFunc("pattern-type", lower(kafka.ACLPatternTypes[:2]))
	}
}

func lower(names []string) cobra.CompletionFunc {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.ToLower(n)
	}
	return cobra.FixedCompletions(out, cobra.ShellCompDirectiveNoFileComp)
}

type resource struct{ typ, name string }

func (fl *Flags) resources() ([]resource, error) {
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

// checked returns the flags' names in Kafka's spelling, or a usage error.
func (fl *Flags) checked() (ops []string, permission, pattern string, err error) {
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

// filters are the ACL filters the flags stand for: every combination of
// the repeated flags, an unset one matching anything.
func (fl *Flags) filters() ([]kafka.ACLFilter, error) {
	ops, permission, pattern, err := fl.checked()
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

// bindings are the ACLs create makes: every combination of the flags.
func (fl *Flags) bindings() ([]kafka.ACL, error) {
	ops, permission, pattern, err := fl.checked()
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

// aclGrid is ACLs as a table; status, when given, adds a column.
func aclGrid(acls []kafka.ACL, status func(i int) string) *output.Grid {
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
