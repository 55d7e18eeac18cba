"""The fault harness: the whole platform with two instances of each service, a mixed workload through the HTTP APIs,
faults injected at random moments, then a check of what was lost, duplicated or violated (see bench/README.md)."""
