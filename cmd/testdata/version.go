package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/cprtestdata/cprtestdata/generator"
)

// version is the release this binary was built from, set with -ldflags "-X main.version=…"; without it
// the module version the go tool records in the build (a tag, or a pseudo-version from the VCS) is used.
var version = ""

// versionString says which program this is and which bytes it makes: the release or module version, the
// VCS revision it was built from (and whether the work tree had changes), and the data version.
func versionString() string {
	return describeBuild(version, readBuildInfo())
}

func readBuildInfo() *debug.BuildInfo {
	info, _ := debug.ReadBuildInfo()
	return info
}

func describeBuild(release string, info *debug.BuildInfo) string {
	v := release
	var rev, when string
	modified := false
	if info != nil {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	var build []string
	if rev != "" {
		r := "revision " + rev[:min(12, len(rev))]
		if modified {
			r += " with uncommitted changes"
		}
		build = append(build, r)
	}
	if when != "" {
		build = append(build, when)
	}
	s := v
	if len(build) > 0 {
		s += " (" + strings.Join(build, ", ") + ")"
	}
	return fmt.Sprintf("%s, data version %s", s, generator.DataVersion)
}
