package ckadmin

import "context"

// DescribeListed is describeListed, for the listing tests.
func DescribeListed(c *Admin, ctx context.Context, selected, names []string) ([]TopicDescription, error) {
	return c.describeListed(ctx, selected, names)
}
