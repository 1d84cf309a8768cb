package wire

// UpdateFeatures (KIP-584): finalized feature levels. librdkafka lacks it;
// franz-go sends it, to the active controller.

import (
	"context"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// FeatureUpdate sets a feature's finalized level; Downgrade allows a lower
// one, Unsafe one that may lose metadata.
type FeatureUpdate struct {
	Name      string
	Level     int16
	Downgrade bool
	Unsafe    bool
}

// UpdateFeatures asks the controller to finalize the levels, all or none;
// validateOnly only checks them.
func (c *Conn) UpdateFeatures(ctx context.Context, updates []FeatureUpdate, validateOnly bool) error {
	req := kmsg.NewPtrUpdateFeaturesRequest()
	req.TimeoutMillis = int32(c.cluster.Timeout.Milliseconds())
	req.ValidateOnly = validateOnly
	for _, u := range updates {
		fu := kmsg.NewUpdateFeaturesRequestFeatureUpdate()
		fu.Feature, fu.MaxVersionLevel = u.Name, u.Level
		fu.AllowDowngrade = u.Downgrade
		fu.UpgradeType = 1 // upgrade
		switch {
		case u.Unsafe:
			fu.UpgradeType = 3
		case u.Downgrade:
			fu.UpgradeType = 2 // safe downgrade
		}
		req.FeatureUpdates = append(req.FeatureUpdates, fu)
	}
	var resp *kmsg.UpdateFeaturesResponse
	err := c.request(ctx, "updating feature levels", func(ctx context.Context, cl *kgo.Client) (err error) {
		resp, err = req.RequestWith(ctx, cl)
		return unsupported(ctx, cl, req, err)
	})
	if err != nil {
		return err
	}
	if err := codeError(resp.ErrorCode, resp.ErrorMessage); err != nil {
		return fmt.Errorf("updating feature levels: %w", err)
	}
	var failed []string
	for _, r := range resp.Results {
		if err := codeError(r.ErrorCode, r.ErrorMessage); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", r.Feature, err))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("updating feature levels: %s", strings.Join(failed, "; "))
	}
	return nil
}
