// A module file using every directive form go.mod has.
module "example.com/service"

go 1.21

toolchain go1.21.5

require github.com/gorilla/mux v1.8.0

require (
	golang.org/x/text v0.3.6 // indirect
	github.com/old/lib v1.2.0
	`github.com/sirupsen/logrus` v1.9.0 // a reason; not indirect
	golang.org/x/net v0.0.0-20200202094626-16171245cfb2
	github.com/docker/docker v20.10.7+incompatible // indirect
	example.com/excluded v1.0.0
)

replace github.com/old/lib => github.com/fork/lib v1.2.1

replace (
	golang.org/x/text v0.3.6 => ../text
	golang.org/x/net v0.0.0-20200202094626-16171245cfb2 => golang.org/x/net v0.0.0-20210226172049-e18ecbb05110
)

exclude example.com/excluded v1.0.0

retract [v1.0.0, v1.0.5] // broken
