// Command streamctl operates Apache Kafka event streams from a shell or a CI job.
package main

import (
	"os"

	"github.com/streamctl/streamctl/cmd"
)

func main() { os.Exit(cmd.Main()) }
