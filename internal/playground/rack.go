package playground

import _ "unsafe" // for go:linkname

// kfake names every broker's rack "krack" in Metadata, DescribeCluster and
// Produce/Fetch answers: a package variable it offers no option for. A
// playground broker is in no rack and says so (an empty rack, shown as
// none). If kfake renames the variable, the link fails loudly.
//
//go:linkname kfakeRack github.com/twmb/franz-go/pkg/kfake.brokerRack
var kfakeRack string

func init() { kfakeRack = "" }
