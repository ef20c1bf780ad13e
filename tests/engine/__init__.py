"""A stand-in for the Pulumi engine: drives the real dynamic provider host over gRPC."""
