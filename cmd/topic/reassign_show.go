package topic

import (
	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/output"
)

func printReassign(f *cmdutil.Factory, plan *admin.ReassignPlan) error {
	return output.Print(f.IO, f.Output(), plan, plan.Grids)
}
