"""End-to-end tests through the real Pulumi CLI (scripts/pulumi-cli builds it)."""
