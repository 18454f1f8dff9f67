// A sample command for dockyard init's tests: prints its version (stdlib only, so the static
// binary stays small).
package main

import (
	"fmt"
	"os"
)

const version = "sample-go 1.0.0"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-version" {
		fmt.Println(version)
		return
	}
	fmt.Println(version + ": hello")
}
