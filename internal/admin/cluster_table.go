package admin

import (
	"fmt"
	"strconv"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// ClusterGrids are cluster describe's tables: the cluster, its brokers,
// and their log dirs when known.
func ClusterGrids(d *kafka.ClusterDescription) []*output.Grid {
	summary := output.NewGrid("CLUSTER-ID", "CONTROLLER", "BROKERS")
	summary.Row(d.ClusterID, controller(d.ControllerID), strconv.Itoa(len(d.Brokers)))
	brokers := output.NewGrid("ID", "ADDRESS", "RACK", "ROLE")
	for _, b := range d.Brokers {
		role := ""
		if b.ID == d.ControllerID {
			role = "controller"
		}
		brokers.Row(strconv.Itoa(int(b.ID)), fmt.Sprintf("%s:%d", b.Host, b.Port), output.OrDash(b.Rack), role)
	}
	grids := []*output.Grid{summary, brokers}
	dirs := output.NewGrid("BROKER", "LOG-DIR", "SIZE", "PARTITIONS", "USABLE", "TOTAL", "STATUS")
	dirs.Title = "Log dirs"
	for _, b := range d.Brokers {
		for _, l := range b.LogDirs {
			status := "ok"
			if l.Error != "" {
				status = l.Error
			}
			dirs.Row(strconv.Itoa(int(b.ID)), l.Path, output.Bytes(l.SizeBytes), strconv.Itoa(l.Partitions), bytesOrDash(l.UsableBytes), bytesOrDash(l.TotalBytes), status)
		}
	}
	if len(dirs.Rows) > 0 {
		grids = append(grids, dirs)
	}
	return grids
}

func bytesOrDash(n int64) string {
	if n < 0 {
		return "-"
	}
	return output.Bytes(n)
}

func controller(id int32) string {
	if id < 0 {
		return "-"
	}
	return strconv.Itoa(int(id))
}
