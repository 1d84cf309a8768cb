package kafka

import "context"

// SetPackBuffer has the reader pack fetched records into n bytes instead
// of 1 MB: with a few records per packed batch, records fetched together
// wait both in the Go buffer and on the C side.
func SetPackBuffer(r *Reader, n int) { r.fast.scratch = make([]byte, n) }

// DescribeListed is describeListed, for the listing tests.
func DescribeListed(c *Client, ctx context.Context, selected, names []string) ([]TopicDescription, error) {
	return c.describeListed(ctx, selected, names)
}
