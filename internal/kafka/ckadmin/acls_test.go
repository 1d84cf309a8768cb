package ckadmin

import (
	"strings"
	"testing"
)

func TestACLNames(t *testing.T) {
	for in, want := range map[string]string{
		"read": "READ", "IdempotentWrite": "IDEMPOTENT_WRITE", "cluster-action": "CLUSTER_ACTION",
		"describe_configs": "DESCRIBE_CONFIGS", "TransactionalId": "TRANSACTIONAL_ID", " Deny ": "DENY", "ALL": "ALL",
	} {
		if got := ACLName(in); got != want {
			t.Errorf("ACLName(%q) = %q, want %q", in, got, want)
		}
	}
	if _, err := CheckACLName("resource type", "user", ACLResourceTypes); err == nil || !strings.Contains(err.Error(), "librdkafka") {
		t.Errorf("USER resources: %v", err)
	}
	for p, ok := range map[string]bool{"User:alice": true, "User:*": true, "Group:ops": true, "User:CN=x,O=y": true, "alice": false, ":alice": false, "User:": false, "Us er:a": false} {
		if err := CheckPrincipal(p); (err == nil) != ok {
			t.Errorf("CheckPrincipal(%q) = %v", p, err)
		}
	}
	// Our names and librdkafka's values map both ways, for every name.
	for _, rt := range ACLResourceTypes {
		for _, op := range ACLOperations {
			for _, pt := range ACLPatternTypes[:2] {
				a := ACL{Principal: "User:a", Host: "*", Operation: op, Permission: "DENY", ResourceType: rt, ResourceName: "n", PatternType: pt}
				b, err := a.binding()
				if err != nil || aclOf(b) != a {
					t.Errorf("%v -> %v -> %v, %v", a, b, aclOf(b), err)
				}
			}
		}
	}
}
