package group

import "slices"

// Shape drops the partitions without lag (onlyLagging) and orders the
// rest: by "partition" (as read), "lag" or "time-lag" (largest first).
func Shape(lags []Lag, onlyLagging bool, sort string) {
	for i := range lags {
		l := &lags[i]
		if onlyLagging {
			l.Partitions = slices.DeleteFunc(l.Partitions, func(p PartitionLag) bool { return p.Lag <= 0 })
		}
		switch sort {
		case "lag":
			slices.SortStableFunc(l.Partitions, func(a, b PartitionLag) int { return cmpDesc(a.Lag, b.Lag) })
		case "time-lag":
			slices.SortStableFunc(l.Partitions, func(a, b PartitionLag) int { return cmpDesc(secs(a.TimeLagSeconds), secs(b.TimeLagSeconds)) })
		}
	}
}

func cmpDesc[T int64 | float64](a, b T) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

func secs(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}
