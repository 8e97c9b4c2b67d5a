module klaxon.local/compat

go 1.21

require github.com/PagerDuty/go-pagerduty v1.8.0

require github.com/google/go-querystring v1.1.0 // indirect
