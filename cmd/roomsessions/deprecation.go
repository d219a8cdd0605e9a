package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// deprecatedAnnotation marks a flag that sets a query key api/openapi.yaml deprecates;
// its value is the notice.
const deprecatedAnnotation = "roomsessions_deprecated"

// deprecate marks the flag name of fs as deprecated: its help says so, and using it
// writes the notice to stderr (warnDeprecated), never to stdout, so -o json stays clean.
// It is not cobra's MarkDeprecated, which hides the flag from the help and writes its
// notice to the command's output, stdout here.
func deprecate(fs *pflag.FlagSet, name, notice string) {
	f := fs.Lookup(name)
	if f == nil {
		panic("deprecate: no flag --" + name) // a programming error, caught by every test
	}
	f.Usage += " (deprecated: " + notice + ")"
	_ = fs.SetAnnotation(name, deprecatedAnnotation, []string{notice})
}

// warnDeprecated writes a notice to w for each deprecated flag given to cmd.
func warnDeprecated(cmd *cobra.Command, w io.Writer) {
	var lines []string
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if notice := f.Annotations[deprecatedAnnotation]; len(notice) > 0 {
			lines = append(lines, fmt.Sprintf("roomsessions: warning: --%s is deprecated: %s\n", f.Name, notice[0]))
		}
	})
	sort.Strings(lines)
	for _, l := range lines {
		_, _ = io.WriteString(w, l)
	}
}
