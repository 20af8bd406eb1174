// Loopback servers for tests and benchmarks live here.
