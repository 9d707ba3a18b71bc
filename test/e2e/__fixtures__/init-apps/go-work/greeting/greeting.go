// Package greeting is the workspace library the app imports through go.work alone (no require, no replace).
package greeting

import (
	"fmt"
	"os"
)

// Hello is the answer to GET /.
func Hello() string {
	return fmt.Sprintf("hello from go-work as uid %d", os.Getuid())
}
