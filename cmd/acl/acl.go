// Package acl holds the `streamctl acl` commands: Kafka's access control
// lists, with kafka-acls' vocabulary and filter semantics.
package acl

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/acl"
	"github.com/streamctl/streamctl/internal/kafka"
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

// Flags are the selectors create, list and delete share (acl.Spec), as
// flags.
type Flags struct{ acl.Spec }

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
