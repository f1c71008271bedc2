module example.com/legacy

go 1.16

require github.com/direct/dep v1.0.0
